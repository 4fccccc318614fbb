package dev.rialto.api.ingest;

import dev.rialto.api.common.Require;
import java.time.Instant;

/**
 * What one source has ingested since the store was created.
 *
 * @param source      the source name
 * @param files       files (or HTTP calls, message batches) ingested
 * @param stored      records stored
 * @param duplicates  records that were already stored
 * @param rejected    records dead-lettered
 * @param lastError   the last failure of a whole file or batch, else null
 * @param lastErrorAt when it happened, else null
 * @param updated     the last ingestion
 */
public record SourceStatus(String source, long files, long stored, long duplicates, long rejected,
        String lastError, Instant lastErrorAt, Instant updated) {
    public SourceStatus {
        Require.nonBlank(source, "source");
        Require.nonNull(updated, "updated");
    }
}
