package dev.rialto.ads.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Typed reads of JSON fields; every error names the field's path. */
final class Fields {
    static final int MAX_TEXT = 65_536;

    private Fields() {
    }

    static void only(JsonNode node, String path, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new FieldException(join(path, name), "unknown field; allowed: " + String.join(", ", allowed));
            }
        }
    }

    static String join(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }

    static String text(JsonNode node, String name, String path, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new FieldException(join(path, name), "is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new FieldException(join(path, name), "must be a string");
        }
        String text = value.textValue().strip();
        if (text.isEmpty()) {
            if (required) {
                throw new FieldException(join(path, name), "must not be blank");
            }
            return null;
        }
        if (text.length() > MAX_TEXT) {
            throw new FieldException(join(path, name), "must be at most " + MAX_TEXT + " characters");
        }
        return text;
    }

    static int integer(JsonNode node, String name, String path, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new FieldException(join(path, name), "is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new FieldException(join(path, name), "must be a whole number");
        }
        int n = value.intValue();
        if (n < min || n > max) {
            throw new FieldException(join(path, name), "must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    static Integer optionalInteger(JsonNode node, String name, String path, int min, int max) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : integer(node, name, path, min, max);
    }

    static BigDecimal money(JsonNode node, String name, String path, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new FieldException(join(path, name), "is required");
            }
            return null;
        }
        BigDecimal amount;
        if (value.isNumber()) {
            amount = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                amount = new BigDecimal(value.textValue().strip());
            } catch (NumberFormatException e) {
                throw new FieldException(join(path, name), "must be a number, was '" + value.textValue() + "'");
            }
        } else {
            throw new FieldException(join(path, name), "must be a number");
        }
        // One spelling per amount (20, 20.0 and 2E+1 alike), so that entities compare equal after a round trip.
        amount = amount.stripTrailingZeros();
        if (amount.scale() < 0) {
            amount = amount.setScale(0);
        }
        if (amount.signum() < 0) {
            throw new FieldException(join(path, name), "must not be negative, was " + amount.toPlainString());
        }
        if (amount.compareTo(new BigDecimal("1e12")) > 0) {
            throw new FieldException(join(path, name), "is too large");
        }
        return amount;
    }

    static Instant instant(JsonNode node, String name, String path, boolean required) {
        String text = text(node, name, path, required);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new FieldException(join(path, name), "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z,"
                    + " was '" + text + "'");
        }
    }

    static List<String> strings(JsonNode node, String name, String path) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new FieldException(join(path, name), "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode v = value.get(i);
            String at = join(path, name) + "[" + i + "]";
            if (!v.isTextual() || v.textValue().isBlank()) {
                throw new FieldException(at, "must be a non-empty string");
            }
            if (v.textValue().contains(",")) {
                throw new FieldException(at, "must not contain a comma");
            }
            out.add(v.textValue().strip());
        }
        return out;
    }

    /** The field a record constructor's message names: its first word, when that is a known field. */
    static String fieldOf(IllegalArgumentException e, String whenUnknown) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int space = message.indexOf(' ');
        return space > 0 ? message.substring(0, space) : whenUnknown;
    }
}
