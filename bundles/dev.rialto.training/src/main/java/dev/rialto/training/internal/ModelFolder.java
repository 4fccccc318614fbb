package dev.rialto.training.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code <models dir>/<name>/} folder as docs/model-card.md defines it: version folders named by UTC
 * timestamps, each holding {@code model.onnx} and {@code model.json}, written under {@code .tmp-<version>} and
 * renamed into place.
 */
public final class ModelFolder {
    public static final String ONNX = "model.onnx";
    public static final String CARD = "model.json";
    public static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final Logger LOG = LoggerFactory.getLogger(ModelFolder.class);

    /**
     * The model the registry serves now, as far as this folder tells.
     *
     * @param trainedUpTo the card's {@code training.to}, or null when it has none
     */
    public record Live(String version, Map<String, Double> metrics, Instant trainedUpTo, Path folder,
            Map<?, ?> card) {
        Live(String version, Map<String, Double> metrics, Instant trainedUpTo) {
            this(version, metrics, trainedUpTo, null, Map.of());
        }

        public Path onnx() {
            return folder == null ? null : folder.resolve(ONNX);
        }
    }

    /** The registry's rollback marker: a version holding it is not served. */
    public static final String ROLLED_BACK = "rolled-back";

    private final Path dir;
    private final String name;

    public ModelFolder(Path modelsDir, String name) {
        this.dir = modelsDir.resolve(name);
        this.name = name;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The greatest version with a readable card whose name and version match its folder and without a
     * {@value #ROLLED_BACK} marker, as the registry picks it. Folders starting with '.' are ignored; cards that do not parse are skipped with a warning.
     */
    public Optional<Live> live() {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> versions = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir,
                p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))) {
            stream.forEach(versions::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        versions.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path version : versions) {
            try {
                Optional<Live> live = read(version);
                if (live.isPresent()) {
                    return live;
                }
            } catch (RuntimeException | IOException e) {
                LOG.warn("Skipping model {} version {}: its card cannot be read: {}", name, version.getFileName(),
                        e.getMessage());
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private Optional<Live> read(Path version) throws IOException {
        Path card = version.resolve(CARD);
        if (!Files.isRegularFile(card) || !Files.isRegularFile(version.resolve(ONNX))
                || Files.exists(version.resolve(ROLLED_BACK))) {
            return Optional.empty();
        }
        Object parsed = Json.parse(Files.readString(card, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the card is not a JSON object");
        }
        String folder = version.getFileName().toString();
        if (!name.equals(map.get("name")) || !folder.equals(map.get("version"))) {
            throw new IllegalArgumentException("name/version do not match the folder " + name + "/" + folder);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (map.get("metrics") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Double d) {
                    metrics.put((String) k, d);
                }
            });
        }
        Instant to = null;
        if (map.get("training") instanceof Map<?, ?> t && t.get("to") instanceof String s) {
            try {
                to = Instant.parse(s);
            } catch (DateTimeParseException e) {
                LOG.debug("Model {} version {} has an unreadable training.to", name, folder);
            }
        }
        return Optional.of(new Live(folder, metrics, to, version, map));
    }

    /** Creates the hidden {@code .tmp-<version>} folder to write into. */
    public Path begin(String version) {
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(version))) {
                throw new IllegalStateException("model " + name + " version " + version + " already exists");
            }
            Path tmp = dir.resolve(".tmp-" + version);
            deleteTree(tmp);
            return Files.createDirectory(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder in " + dir, e);
        }
    }

    /** Writes the card into the temporary folder. */
    public void writeCard(Path tmp, Map<String, Object> card) {
        try {
            Files.writeString(tmp.resolve(CARD), Json.write(card), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model card in " + tmp, e);
        }
    }

    /** Renames the temporary folder to its version: the registry sees the whole model or nothing. */
    public Path commit(Path tmp, String version) {
        Path target = dir.resolve(version);
        try {
            try {
                return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // A rename inside one folder is atomic on every local file system; this is a last resort.
                return Files.move(tmp, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + tmp + " to " + target, e);
        }
    }

    /** Removes a temporary folder after a failure; never throws. */
    public void abort(Path tmp) {
        try {
            deleteTree(tmp);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the temporary folder {} of model {}: {}", tmp, name, e.getMessage());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
