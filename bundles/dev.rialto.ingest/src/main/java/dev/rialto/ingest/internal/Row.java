package dev.rialto.ingest.internal;

import java.util.Map;
import org.apache.commons.csv.CSVRecord;

/** One CSV record seen through the normalised (stripped, lower-case) header. */
final class Row {
    /** Longest id the store keeps (its id columns are VARCHAR(255)). */
    static final int MAX_ID_LENGTH = 255;
    private static final int QUOTE_LIMIT = 40;

    private final CSVRecord record;
    private final Map<String, Integer> columns;

    Row(CSVRecord record, Map<String, Integer> columns) {
        this.record = record;
        this.columns = columns;
    }

    /** The raw value, or null when the column is absent. */
    String raw(String column) {
        Integer at = columns.get(column);
        return at == null || at >= record.size() ? null : record.get(at);
    }

    /** The stripped value, or null when absent or blank. */
    String optional(String column) {
        String value = raw(column);
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }

    String required(String column) throws BadRecord {
        String value = optional(column);
        if (value == null) {
            throw new BadRecord(column, column + " must not be blank");
        }
        return value;
    }

    /** A required id, no longer than the store keeps. */
    String id(String column) throws BadRecord {
        String value = required(column);
        if (value.length() > MAX_ID_LENGTH) {
            throw new BadRecord(column, column + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    /** The value quoted for a reason, shortened when long. */
    static String quote(String value) {
        if (value.length() <= QUOTE_LIMIT) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, QUOTE_LIMIT - 3) + "...'";
    }
}
