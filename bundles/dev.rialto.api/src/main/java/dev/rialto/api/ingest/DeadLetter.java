package dev.rialto.api.ingest;

import dev.rialto.api.common.Require;
import java.time.Instant;

/**
 * A rejected record, kept so that it can be inspected and replayed.
 *
 * @param source   the ingestion source: a file route's kind or mapping ({@code events}, {@code online-retail}),
 *                 {@code http:events}, {@code kafka:<topic>}
 * @param file     the file name, the HTTP caller or the topic partition; null when there is none
 * @param line     the 1-based line, record number or message offset in the source
 * @param recordId the record's id when it could be read, else null
 * @param field    the offending field, or {@code *} for the whole record
 * @param reason   what is wrong, for a person to read
 * @param raw      the record as received, cut at {@link #MAX_RAW} characters; null when unknown
 * @param userId   the stored (pseudonymous) user the record named, when it could be read, else null; a user's
 *                 dead letters are exported and forgotten with the user
 * @param at       when it was rejected
 */
public record DeadLetter(String source, String file, long line, String recordId, String field, String reason,
        String raw, String userId, Instant at) {
    /** The longest raw record kept, in characters; longer ones are cut and marked. */
    public static final int MAX_RAW = 2000;
    /** The longest reason kept. */
    public static final int MAX_REASON = 1000;

    public DeadLetter {
        source = cut(Require.nonBlank(source, "source").strip(), 255);
        file = file == null ? null : cut(file, 1024);
        if (line < 0) {
            throw new IllegalArgumentException("line must not be negative, was " + line);
        }
        recordId = recordId == null ? null : cut(Require.optional(recordId), 255);
        field = cut(Require.nonBlank(field, "field"), 255);
        reason = cut(Require.nonBlank(reason, "reason"), MAX_REASON);
        raw = raw == null ? null : cut(raw, MAX_RAW);
        userId = Require.optional(userId);
        Require.nonNull(at, "at");
    }

    /**
     * The value cut to {@code max} characters, ending in {@code ...[N chars]} when cut; NUL characters (which
     * PostgreSQL refuses in text) become U+FFFD.
     */
    public static String cut(String value, int max) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            value = value.replace('\u0000', '\uFFFD');
        }
        if (value == null || value.length() <= max) {
            return value;
        }
        String mark = "...[" + value.length() + " chars]";
        int keep = Math.max(0, max - mark.length());
        // never split a surrogate pair
        if (keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1))) {
            keep--;
        }
        return value.substring(0, keep) + mark;
    }
}
