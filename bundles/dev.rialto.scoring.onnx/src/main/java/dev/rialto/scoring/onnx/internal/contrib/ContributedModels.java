package dev.rialto.scoring.onnx.internal.contrib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the models a bundle carries ({@code META-INF/rialto/models/<name>/model.json} and {@code model.onnx})
 * into {@code <models dir>/<name>/<version>/} with a {@value #MARKER} file naming the bundle, so the registry serves
 * them like any dropped-in version (validation, warm-up, atomic swap, rollback), and removes exactly those folders
 * again when the bundle stops. Folders without the marker (the trainer's, a person's) are never touched.
 */
public final class ContributedModels {
    /** In a version folder: which bundle contributed it. */
    public static final String MARKER = "contributed-by";
    public static final String PREFIX = "META-INF/rialto/models/";
    static final String CARD = "model.json";
    static final String GRAPH = "model.onnx";
    private static final Logger LOG = LoggerFactory.getLogger(ContributedModels.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens one file of a contributed model. */
    @FunctionalInterface
    public interface Source {
        InputStream open(String file) throws IOException;
    }

    /** A bundle as far as contributions go. */
    public record Contributor(long id, String symbolicName, String version) {
        String marker() {
            return "bundle.id=" + id + "\nbundle.symbolicName=" + symbolicName + "\nbundle.version=" + version + "\n";
        }
    }

    private final Path modelsDir;
    /** Bundle id to the version folders it contributed. */
    private final Map<Long, List<Path>> byBundle = new HashMap<>();

    public ContributedModels(Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    /**
     * Installs the bundle's models (model name to its files). A model whose card cannot be read, whose name does not
     * match its folder or whose version folder already exists without this bundle's marker is skipped with a
     * warning; the others are installed.
     *
     * @return the version folders written
     */
    public synchronized List<Path> add(Contributor bundle, Map<String, Source> models) {
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, Source> model : models.entrySet()) {
            String name = model.getKey();
            try {
                Path folder = install(bundle, name, model.getValue());
                if (folder != null) {
                    written.add(folder);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Model {} of bundle {} ({}) not installed: {}", name, bundle.symbolicName(), bundle.id(),
                        e.getMessage());
            }
        }
        if (!written.isEmpty()) {
            byBundle.computeIfAbsent(bundle.id(), id -> new ArrayList<>()).addAll(written);
        }
        return written;
    }

    private Path install(Contributor bundle, String name, Source source) throws IOException {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("the folder name '" + name + "' is not a model name");
        }
        byte[] card;
        try (InputStream in = source.open(CARD)) {
            card = in.readAllBytes();
        }
        JsonNode root = JSON.readTree(card);
        String cardName = root.path("name").asText(null);
        String version = root.path("version").asText(null);
        if (!name.equals(cardName)) {
            throw new IllegalArgumentException(CARD + ": name is '" + cardName + "', the folder is '" + name + "'");
        }
        if (version == null || !version.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(CARD + ": version '" + version + "' cannot be a folder name");
        }
        Path parent = Files.createDirectories(modelsDir.resolve(name));
        Path target = parent.resolve(version);
        if (Files.exists(target)) {
            if (!Files.isRegularFile(target.resolve(MARKER))) {
                throw new IllegalArgumentException(target + " already exists and was not contributed by a bundle");
            }
            // Left by an earlier start of this or another bundle: replaced by this copy.
            deleteTree(target);
        }
        Path tmp = Files.createDirectories(parent.resolve(".contrib-" + version + "-" + bundle.id()));
        try {
            Files.write(tmp.resolve(CARD), card);
            try (InputStream in = source.open(GRAPH)) {
                Files.copy(in, tmp.resolve(GRAPH), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(tmp.resolve(MARKER), bundle.marker());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
        LOG.info("Model {}@{} contributed by bundle {} ({})", name, version, bundle.symbolicName(), bundle.id());
        return target;
    }

    /** Removes the folders this bundle contributed (only those still carrying its marker). */
    public synchronized List<Path> remove(long bundleId) {
        List<Path> folders = byBundle.remove(bundleId);
        List<Path> removed = new ArrayList<>();
        for (Path folder : folders == null ? List.<Path>of() : folders) {
            if (contributor(folder) == bundleId) {
                try {
                    deleteTree(folder);
                    removed.add(folder);
                    deleteIfEmpty(folder.getParent());
                    LOG.info("Model folder {} removed: its bundle {} stopped", folder, bundleId);
                } catch (IOException e) {
                    LOG.warn("Cannot remove contributed model folder {}", folder, e);
                }
            }
        }
        return removed;
    }

    /**
     * Removes contributed folders whose bundle is not among {@code active} (left over from a crash or from a bundle
     * uninstalled while Rialto was down).
     */
    public synchronized List<Path> sweep(Set<Long> active) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(modelsDir)) {
            return removed;
        }
        try (Stream<Path> names = Files.list(modelsDir)) {
            for (Path name : names.filter(Files::isDirectory).toList()) {
                try (Stream<Path> versions = Files.list(name)) {
                    for (Path version : versions.filter(p -> Files.isRegularFile(p.resolve(MARKER))).toList()) {
                        long id = contributor(version);
                        if (!active.contains(id)) {
                            deleteTree(version);
                            removed.add(version);
                            LOG.info("Model folder {} removed: the bundle that contributed it is gone", version);
                        }
                    }
                }
                deleteIfEmpty(name);
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep contributed models in {}", modelsDir, e);
        }
        return removed;
    }

    /** The bundle id in a folder's marker, or -1. */
    static long contributor(Path folder) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(folder.resolve(MARKER))) {
            p.load(in);
            return Long.parseLong(p.getProperty("bundle.id", "-1").strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            if (children.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
