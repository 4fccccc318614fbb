package dev.rialto.ingest.internal;

import dev.rialto.api.ingest.EntityKind;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One record (a CSV row or a JSON line) seen through a mapping part: fields are read by their API name. */
final class Row {
    /** Longest id the store keeps (its id columns are VARCHAR(255)). */
    static final int MAX_ID_LENGTH = 255;
    private static final int QUOTE_LIMIT = 40;

    /** The record's raw values by lower-case source column. */
    interface Source {
        /** The value, or null when the record has no such column. */
        String get(String column);

        /** The record's lower-case column names. */
        List<String> columns();

        /** The record as received, for a dead letter; null when unknown. */
        default String raw() {
            return null;
        }
    }

    private final Source source;
    private final Mapping.Part part;
    private final long line;

    Row(Source source, Mapping.Part part, long line) {
        this.source = source;
        this.part = part;
        this.line = line;
    }

    EntityKind kind() {
        return part.kind;
    }

    String label(String field) {
        return part.label(field);
    }

    /** The stripped, transformed value, or null when absent or blank. */
    String optional(String field) throws BadRecord {
        String value = part.constants.get(field);
        if (value == null) {
            List<String> concat = part.concat.get(field);
            value = concat == null ? source.get(part.column(field)) : concat(field, concat);
        }
        if (value == null) {
            return null;
        }
        value = value.strip();
        if (value.isEmpty()) {
            return null;
        }
        Mapping.Transform transform = part.transforms.get(field);
        return transform == null ? value : transform(field, value, transform);
    }

    private String concat(String field, List<String> parts) throws BadRecord {
        StringBuilder out = new StringBuilder();
        for (String p : parts) {
            String value;
            if (p.equals(Mapping.LINE)) {
                value = Long.toString(line);
            } else {
                value = source.get(p.toLowerCase(Locale.ROOT));
                if (value == null || value.isBlank()) {
                    throw new BadRecord(p, p + " must not be blank (it makes the " + field + ")");
                }
            }
            if (out.length() > 0) {
                out.append(':');
            }
            out.append(value.strip());
        }
        return out.toString();
    }

    private String transform(String field, String value, Mapping.Transform transform) throws BadRecord {
        return switch (transform) {
            case UPPER -> value.toUpperCase(Locale.ROOT);
            case LOWER -> value.toLowerCase(Locale.ROOT);
            case INTEGER -> {
                int dot = value.indexOf('.');
                if (dot >= 0 && onlyZeros(value, dot + 1)) {
                    yield value.substring(0, dot);
                }
                if (dot >= 0) {
                    throw new BadRecord(label(field), label(field) + " " + quote(value) + " is not a whole number");
                }
                yield value;
            }
        };
    }

    private static boolean onlyZeros(String value, int from) {
        for (int i = from; i < value.length(); i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    String required(String field) throws BadRecord {
        String value = optional(field);
        if (value == null) {
            throw new BadRecord(label(field), label(field) + " must not be blank");
        }
        return value;
    }

    /** A required id, no longer than the store keeps. */
    String id(String field) throws BadRecord {
        String value = required(field);
        if (value.length() > MAX_ID_LENGTH) {
            throw new BadRecord(label(field), label(field) + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    /**
     * Attributes: the mapped fields that are not standard fields, and (unless the mapping says
     * {@code otherColumns=ignore}) every other non-blank column under its lower-case name.
     */
    Map<String, String> attributes(Set<String> standard) throws BadRecord {
        Map<String, String> attributes = new HashMap<>();
        if (part.otherColumns) {
            Set<String> used = part.usedColumns();
            for (String column : source.columns()) {
                if (!column.isEmpty() && !standard.contains(column) && !used.contains(column)) {
                    String value = source.get(column);
                    if (value != null && !value.isBlank()) {
                        attributes.put(column, value.strip());
                    }
                }
            }
        }
        for (String field : part.fields) {
            if (!standard.contains(field)) {
                String value = optional(field);
                if (value != null) {
                    attributes.put(field, value);
                }
            }
        }
        return attributes;
    }

    /** The value quoted for a reason, shortened when long. */
    static String quote(String value) {
        if (value.length() <= QUOTE_LIMIT) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, QUOTE_LIMIT - 3) + "...'";
    }
}
