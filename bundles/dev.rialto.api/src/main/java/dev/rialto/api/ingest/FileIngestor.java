package dev.rialto.api.ingest;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Ingests one file from disk with progress (the console's {@code rialto:ingest}). */
@ProviderType
public interface FileIngestor {

    /** Told how far the ingestion is; called from the ingesting thread, at most a few times a second. */
    @FunctionalInterface
    interface Progress {
        /**
         * @param bytesRead bytes of the file read so far
         * @param totalBytes the file's size
         * @param records    records read so far
         */
        void update(long bytesRead, long totalBytes, long records);
    }

    /**
     * Ingests the file as {@link Ingestor#ingestCsv} does, journalled under the source {@code kind}.
     *
     * @throws IllegalArgumentException when the file cannot be read or the kind is unknown
     */
    IngestReport ingestFile(Path file, String kind, Progress progress);
}
