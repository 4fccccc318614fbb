package dev.rialto.demo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * Drops generated files into the ingestion inbox. Each file is written as a hidden {@code .name.tmp} next to its
 * target and then renamed, so the file route (which skips hidden files) never reads half a file.
 */
final class DemoDrop {

    static final String ITEMS = "items/demo-items.csv";
    static final String PROFILES = "profiles/demo-profiles.csv";
    static final String EVENTS = "events/demo-events.csv";

    private DemoDrop() {
    }

    /** Writes items, then profiles, then events, so that events arrive after what they refer to. */
    static void dropAll(DemoData data, Path inbox) {
        drop(inbox.resolve(ITEMS), out -> DemoCsv.writeItems(data.items(), out));
        checkInterrupted();
        drop(inbox.resolve(PROFILES), out -> DemoCsv.writeProfiles(data.users(), out));
        checkInterrupted();
        drop(inbox.resolve(EVENTS), out -> DemoCsv.writeEvents(data.events(), out));
    }

    static void drop(Path target, Consumer<Writer> content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.accept(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("demo data generation was interrupted");
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a stale hidden .tmp file is skipped by the file route anyway
        }
    }
}
