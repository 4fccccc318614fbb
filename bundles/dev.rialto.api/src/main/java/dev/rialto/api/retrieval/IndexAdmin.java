package dev.rialto.api.retrieval;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/** Administration of the item index: its status and a rebuild from the store. */
@ProviderType
public interface IndexAdmin {

    /**
     * The index's status.
     *
     * @param check compare the ids of the index with those of the store (reads every item id of the store)
     */
    IndexStatus status(boolean check);

    /**
     * Re-indexes every item of the store in the caller's thread, while searches keep working: each item replaces
     * its document, and documents whose item is no longer in the store are removed at the end. Interrupting the
     * calling thread cancels it (what was re-indexed stays, nothing is removed).
     *
     * @param progress told {@code (done, total)} after each batch; may be null
     * @throws IllegalStateException when a rebuild is already running
     * @throws dev.rialto.api.common.RialtoException when it is cancelled or fails
     */
    RebuildResult rebuild(Progress progress);

    /** Rebuild progress callback. */
    @FunctionalInterface
    interface Progress {
        void update(long done, long total);
    }

    /**
     * @param indexed items re-indexed
     * @param removed documents removed because their item is no longer in the store
     * @param took    how long it took
     */
    record RebuildResult(long indexed, long removed, Duration took) {
    }
}
