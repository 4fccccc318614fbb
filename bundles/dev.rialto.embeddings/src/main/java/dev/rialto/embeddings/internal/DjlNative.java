package dev.rialto.embeddings.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL before its tokenizer classes initialise: DJL reads these settings from the environment or from
 * system properties, once, when {@code LibUtils} loads.
 *
 * <ul>
 * <li>{@code OPT_OUT_TRACKING=true}: otherwise DJL calls home and probes the EC2 metadata address.</li>
 * <li>{@code ENGINE_CACHE_DIR}: where DJL unpacks libtokenizers. One folder per class loader of this bundle, because
 * the JVM binds a native library to one class loader: after a bundle refresh the new class loader must load its
 * own copy, not the path the old one still holds.</li>
 * </ul>
 */
final class DjlNative {

    private static final Logger LOG = LoggerFactory.getLogger(DjlNative.class);
    static final String OPT_OUT = "OPT_OUT_TRACKING";
    static final String CACHE_DIR = "ENGINE_CACHE_DIR";
    private static Path prepared;

    private DjlNative() {
    }

    /** Idempotent per class loader; returns the folder DJL unpacks into. */
    static synchronized Path prepare(Path root) {
        if (prepared != null) {
            return prepared;
        }
        if (System.getenv(OPT_OUT) == null && System.getProperty(OPT_OUT) == null) {
            System.setProperty(OPT_OUT, "true");
        }
        String mine = "djl-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(System.identityHashCode(DjlNative.class.getClassLoader()));
        Path dir = root.resolve(mine).toAbsolutePath();
        if (System.getenv(CACHE_DIR) != null) {
            // The environment wins over system properties inside DJL; respect the admin's choice.
            dir = Path.of(System.getenv(CACHE_DIR)).toAbsolutePath();
            LOG.info("DJL unpacks its native library into {} (environment {})", dir, CACHE_DIR);
        } else {
            deleteStale(root, mine);
            System.setProperty(CACHE_DIR, dir.toString());
        }
        prepared = dir;
        return dir;
    }

    /** Copies left by earlier class loaders or processes; a copy still mapped is harmless to unlink on Unix. */
    private static void deleteStale(Path root, String keep) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "djl-*")) {
            for (Path d : dirs) {
                if (!d.getFileName().toString().equals(keep)) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {} for stale DJL copies", root, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot delete stale DJL copy {}", dir, e);
        }
    }
}
