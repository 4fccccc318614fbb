package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns rows into records of the API, or a BadRecord naming the field. */
final class Mappers {
    static final List<String> ITEM_REQUIRED = List.of("id", "title");
    static final Set<String> ITEM_FIELDS =
            Set.of("id", "title", "description", "category", "price", "currency", "available", "language");
    static final List<String> EVENT_REQUIRED = List.of("id", "type", "user", "timestamp");
    static final List<String> PROFILE_REQUIRED = List.of("id");

    private Mappers() {
    }

    static Item item(Row row, List<String> header) throws BadRecord {
        String id = row.id("id");
        String title = row.required("title");
        BigDecimal price = null;
        String rawPrice = row.optional("price");
        if (rawPrice != null) {
            try {
                price = new BigDecimal(rawPrice);
            } catch (NumberFormatException e) {
                throw new BadRecord("price", "price " + Row.quote(rawPrice) + " is not a number");
            }
            if (price.signum() < 0) {
                throw new BadRecord("price", "price must not be negative, was " + Row.quote(rawPrice));
            }
        }
        String currency = row.optional("currency");
        if (currency != null) {
            currency = currency.toUpperCase(Locale.ROOT);
            if (!currency.matches("[A-Z]{3}")) {
                throw new BadRecord("currency", "currency " + Row.quote(row.optional("currency"))
                        + " is not a 3-letter ISO 4217 code");
            }
        }
        boolean available = bool(row, "available", true);
        Map<String, String> attributes = new HashMap<>();
        for (String column : header) {
            if (!column.isEmpty() && !ITEM_FIELDS.contains(column)) {
                String value = row.optional(column);
                if (value != null) {
                    attributes.put(column, value);
                }
            }
        }
        try {
            return new Item(id, title, row.optional("description"), row.optional("category"), price, currency,
                    available, row.optional("language"), attributes);
        } catch (IllegalArgumentException e) {
            throw new BadRecord(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    static Event event(Row row, ZoneId zone, Pseudonymiser pseudonymiser) throws BadRecord {
        String id = row.id("id");
        String rawType = row.required("type");
        EventType type;
        try {
            type = EventType.parse(rawType);
        } catch (IllegalArgumentException e) {
            throw new BadRecord("type", e.getMessage().replace("'" + rawType + "'", Row.quote(rawType)));
        }
        String user = pseudonymiser.userId(row.id("user"));
        String item = type.needsItem() ? row.id("item") : row.optional("item");
        if (item != null && item.length() > Row.MAX_ID_LENGTH) {
            throw new BadRecord("item", "item is longer than " + Row.MAX_ID_LENGTH + " characters");
        }
        int quantity = 1;
        String rawQuantity = row.optional("quantity");
        if (rawQuantity != null) {
            try {
                quantity = Integer.parseInt(rawQuantity);
            } catch (NumberFormatException e) {
                throw new BadRecord("quantity", "quantity " + Row.quote(rawQuantity) + " is not a whole number");
            }
            if (quantity < 1) {
                throw new BadRecord("quantity", "quantity must be at least 1, was " + Row.quote(rawQuantity));
            }
        }
        Instant timestamp = timestamp(row.required("timestamp"), zone);
        try {
            return new Event(id, type, user, item, quantity, timestamp, row.optional("query"));
        } catch (IllegalArgumentException e) {
            throw new BadRecord(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    static Map<String, String> profileAttributes(Row row, List<String> header) {
        Map<String, String> attributes = new HashMap<>();
        for (String column : header) {
            if (!column.isEmpty() && !column.equals("id")) {
                String value = row.optional(column);
                if (value != null) {
                    attributes.put(column, value);
                }
            }
        }
        return attributes;
    }

    /**
     * ISO-8601 instants ({@code 2026-01-01T10:00:00Z}, with an offset), local date-times ({@code T} or a space,
     * taken in {@code zone}) or epoch milliseconds.
     */
    static Instant timestamp(String value, ZoneId zone) throws BadRecord {
        try {
            if (value.matches("-?\\d{1,18}")) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            String iso = value.length() > 10 && value.charAt(10) == ' '
                    ? value.substring(0, 10) + 'T' + value.substring(11) : value;
            if (iso.endsWith("Z") || iso.endsWith("z") || iso.matches(".*T.*[+-]\\d{2}(:?\\d{2})?$")) {
                return OffsetDateTime.parse(iso.endsWith("z") ? iso.substring(0, iso.length() - 1) + 'Z' : iso)
                        .toInstant();
            }
            return LocalDateTime.parse(iso).atZone(zone).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadRecord("timestamp", "timestamp " + Row.quote(value)
                    + " is not an ISO-8601 instant, a local date-time or epoch milliseconds");
        }
    }

    private static boolean bool(Row row, String column, boolean otherwise) throws BadRecord {
        String value = row.optional(column);
        if (value == null) {
            return otherwise;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> true;
            case "false", "no", "n", "0" -> false;
            default -> throw new BadRecord(column, column + " " + Row.quote(value) + " is not true or false");
        };
    }

    /** The API's record constructors start each message with the field's name. */
    private static String fieldOf(String message) {
        if (message == null || message.isBlank()) {
            return "*";
        }
        int space = message.indexOf(' ');
        return space > 0 ? message.substring(0, space) : "*";
    }
}
