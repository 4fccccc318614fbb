package dev.rialto.api.ingest;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The store's record of ingestion: dead letters, file checkpoints and per-source totals. Implemented by the store;
 * every write is its own committed transaction.
 */
@ProviderType
public interface IngestJournal {

    /**
     * Keeps rejected records. Idempotent: a letter with the same source, file and line as a kept one is not kept
     * again (a file resumed after a crash rejects the same records again).
     *
     * @return how many were new
     */
    int addDeadLetters(Collection<DeadLetter> letters);

    /** The newest dead letters first, of one source or (null) of all. */
    List<DeadLetter> deadLetters(String source, int limit);

    /** How many dead letters a source (null: all sources) has. */
    long countDeadLetters(String source);

    /** The journal of a file, by source and fingerprint. */
    Optional<FileRun> fileRun(String source, String fingerprint);

    /** Inserts or replaces the journal of a file (key: source and fingerprint). */
    void saveFileRun(FileRun run);

    /**
     * Adds the outcome of one file or batch to its source's totals.
     *
     * @param error the failure of the whole file or batch, else null
     */
    void addToSource(String source, long files, long stored, long duplicates, long rejected, String error);

    /** Every source's totals, by name. */
    List<SourceStatus> sources();
}
