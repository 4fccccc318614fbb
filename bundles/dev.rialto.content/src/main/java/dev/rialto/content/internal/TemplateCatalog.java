package dev.rialto.content.internal;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.rialto.api.content.ContentKind;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every known template, by source: bundles contribute {@code META-INF/rialto/templates/<kind>/<language>/<name>.mustache}
 * (the extender adds and removes them with the bundle), and the templates folder ({@code etc/rialto/templates/}, same
 * layout) is re-read when it changes. A folder template replaces a bundle's template of the same kind, language and
 * name; bundles' templates of the same key are ordered by bundle id, later ones winning.
 */
final class TemplateCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateCatalog.class);

    static final String BUNDLE_PATH = "META-INF/rialto/templates";
    static final String SUFFIX = ".mustache";
    private static final long FOLDER_RECHECK_MILLIS = 2000;

    /** One compiled template. */
    record Template(ContentKind kind, String language, String name, String source, Mustache mustache) {
    }

    /** Plain text: Mustache's HTML escaping would turn "&" into "&amp;" in an ad headline. */
    private static final class PlainFactory extends DefaultMustacheFactory {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("writing failed", e);
            }
        }
    }

    private final PlainFactory factory = new PlainFactory();
    /** Source (bundle id or "folder") to its templates, by key "kind/language/name". */
    private final Map<String, Map<String, Template>> sources = new ConcurrentHashMap<>();
    private final Path folder;
    private volatile long folderCheckedAt;
    private volatile String folderStamp = "";

    /** @param folder the templates folder, or null for none */
    TemplateCatalog(Path folder) {
        this.folder = folder;
    }

    /** Compiles and adds a source's templates ({@code path} relative to the templates root); bad ones are logged. */
    int putSource(String source, Map<String, String> files) {
        Map<String, Template> compiled = new LinkedHashMap<>();
        files.forEach((path, text) -> compile(source, path, text).ifPresent(t ->
                compiled.put(t.kind().id() + "/" + t.language() + "/" + t.name(), t)));
        sources.put(source, compiled);
        return compiled.size();
    }

    void removeSource(String source) {
        sources.remove(source);
    }

    Optional<Template> compile(String source, String path, String text) {
        String[] parts = path.replace('\\', '/').split("/");
        if (parts.length != 3 || !parts[2].endsWith(SUFFIX) || parts[2].length() == SUFFIX.length()) {
            LOG.warn("Template {} of {} ignored: the path must be <kind>/<language>/<name>{}", path, source, SUFFIX);
            return Optional.empty();
        }
        ContentKind kind;
        try {
            kind = ContentKind.parse(parts[0]);
        } catch (IllegalArgumentException e) {
            LOG.warn("Template {} of {} ignored: {}", path, source, e.getMessage());
            return Optional.empty();
        }
        String language = parts[1].toLowerCase(Locale.ROOT);
        String name = parts[2].substring(0, parts[2].length() - SUFFIX.length());
        try {
            Mustache mustache = factory.compile(new StringReader(text), source + ":" + path);
            return Optional.of(new Template(kind, language, name, source, mustache));
        } catch (RuntimeException e) {
            LOG.warn("Template {} of {} ignored: it does not compile: {}", path, source, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The templates for the kind in the best language for the locale (the full tag, its language, then English),
     * ordered by name.
     */
    List<Template> find(ContentKind kind, String locale) {
        refreshFolder();
        String tag = locale.toLowerCase(Locale.ROOT).replace('_', '-');
        String language = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
        for (String candidate : new String[] {tag, language, "en"}) {
            List<Template> found = byName(kind, candidate);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private List<Template> byName(ContentKind kind, String language) {
        String prefix = kind.id() + "/" + language + "/";
        TreeMap<String, Template> merged = new TreeMap<>();
        sources.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Map<String, Template>> e) -> e.getKey()
                        .equals(FOLDER)).thenComparing(e -> sourceOrder(e.getKey())))
                .forEach(e -> e.getValue().forEach((key, t) -> {
                    if (key.startsWith(prefix)) {
                        merged.put(t.name(), t);
                    }
                }));
        return new ArrayList<>(merged.values());
    }

    private static long sourceOrder(String source) {
        try {
            return Long.parseLong(source.replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    static final String FOLDER = "folder";

    /** Re-reads the folder when a file was added, removed or changed; at most every two seconds. */
    void refreshFolder() {
        if (folder == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - folderCheckedAt < FOLDER_RECHECK_MILLIS && folderCheckedAt != 0) {
            return;
        }
        synchronized (this) {
            if (now - folderCheckedAt < FOLDER_RECHECK_MILLIS && folderCheckedAt != 0) {
                return;
            }
            folderCheckedAt = now;
            Map<String, Path> files = new TreeMap<>();
            StringBuilder stamp = new StringBuilder();
            if (Files.isDirectory(folder)) {
                try (Stream<Path> walk = Files.walk(folder, 3)) {
                    walk.filter(f -> f.toString().endsWith(SUFFIX) && Files.isRegularFile(f)).sorted()
                            .forEach(f -> files.put(folder.relativize(f).toString().replace('\\', '/'), f));
                    for (Map.Entry<String, Path> f : files.entrySet()) {
                        stamp.append(f.getKey()).append('@').append(Files.getLastModifiedTime(f.getValue()).toMillis())
                                .append('#').append(Files.size(f.getValue())).append(';');
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Reading the templates folder {} failed", folder, e);
                    return;
                }
            }
            if (stamp.toString().equals(folderStamp)) {
                return;
            }
            Map<String, String> texts = new LinkedHashMap<>();
            files.forEach((path, file) -> {
                try {
                    texts.put(path, Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    LOG.warn("Template {} could not be read", file, e);
                }
            });
            int n = putSource(FOLDER, texts);
            folderStamp = stamp.toString();
            LOG.info("Templates folder {}: {} templates", folder, n);
        }
    }

    /** Reads every template under a directory in the bundle layout (tests, and the folder). */
    static Map<String, String> readTree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root, 3)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(SUFFIX)).sorted().toList()) {
                out.put(root.relativize(f).toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
