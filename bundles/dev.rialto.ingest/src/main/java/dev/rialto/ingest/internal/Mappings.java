package dev.rialto.ingest.internal;

import dev.rialto.api.ingest.EntityKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Finds a mapping by name: {@code <dir>/<name>.properties} first (so an admin can override anything, even the
 * plain kinds), then the plain kinds, then the built-in mappings in {@code META-INF/rialto/mappings/}. Files are
 * read on every call, so an edited mapping applies to the next file without a restart.
 */
final class Mappings {
    static final String BUILT_IN = "/META-INF/rialto/mappings/";
    static final List<String> BUILT_IN_NAMES = List.of("online-retail");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    /** Null: built-in mappings only. */
    private final Path dir;

    Mappings(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Mapping resolve(String kindOrName) {
        if (kindOrName == null || kindOrName.isBlank()) {
            throw new IllegalArgumentException("kind must not be blank");
        }
        String name = kindOrName.strip();
        boolean wellFormed = NAME.matcher(name).matches();
        if (wellFormed && dir != null) {
            Path file = dir.resolve(name + ".properties");
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    return Mapping.parse(name, load(in));
                } catch (IOException e) {
                    throw new UncheckedIOException("Reading mapping " + file + " failed: " + e.getMessage(), e);
                }
            }
        }
        try {
            return Mapping.plain(EntityKind.parse(name));
        } catch (IllegalArgumentException notAKind) {
            // a named mapping then
        }
        if (wellFormed) {
            try (InputStream in = Mappings.class.getResourceAsStream(BUILT_IN + name + ".properties")) {
                if (in != null) {
                    return Mapping.parse(name, load(in));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Reading built-in mapping " + name + " failed: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("kind '" + name + "' is not one of items, events, profiles, nor a mapping"
                + " (" + (dir == null ? "" : dir.resolve(name + ".properties") + ", or ") + "built-in: "
                + String.join(", ", BUILT_IN_NAMES) + ")");
    }

    /** Properties in the order of the file. */
    static Map<String, String> load(InputStream in) throws IOException {
        Map<String, String> ordered = new LinkedHashMap<>();
        Properties properties = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object key, Object value) {
                ordered.put((String) key, (String) value);
                return super.put(key, value);
            }
        };
        properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        return ordered;
    }
}
