package dev.rialto.api.ingest;

import dev.rialto.api.common.Require;

/**
 * A record that was not stored, and why.
 *
 * @param line     1-based line (or record number) in the source
 * @param recordId the record's id when it could be read, else null
 * @param field    the offending field, or {@code *} for the whole record
 * @param reason   what is wrong, for a person to read
 */
public record Rejection(long line, String recordId, String field, String reason) {
    public Rejection {
        if (line < 1) {
            throw new IllegalArgumentException("line must be positive, was " + line);
        }
        recordId = Require.optional(recordId);
        Require.nonBlank(field, "field");
        Require.nonBlank(reason, "reason");
    }
}
