package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns rows into records of the API, or a BadRecord naming the field (as the source calls it). */
final class Mappers {
    static final List<String> ITEM_REQUIRED = List.of("id", "title");
    static final Set<String> ITEM_FIELDS =
            Set.of("id", "title", "description", "category", "price", "currency", "available", "language");
    static final List<String> EVENT_REQUIRED = List.of("id", "type", "user", "timestamp");
    static final List<String> PROFILE_REQUIRED = List.of("id");
    static final Set<String> PROFILE_FIELDS = Set.of("id");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private Mappers() {
    }

    static Item item(Row row, Mapping mapping) throws BadRecord {
        String id = row.id("id");
        String title = row.required("title");
        BigDecimal price = null;
        String rawPrice = row.optional("price");
        String priceLabel = row.label("price");
        if (rawPrice != null) {
            try {
                price = new BigDecimal(mapping.normalDecimal(rawPrice));
            } catch (NumberFormatException e) {
                throw new BadRecord(priceLabel, priceLabel + " " + Row.quote(rawPrice) + " is not a number");
            }
            if (price.signum() < 0) {
                throw new BadRecord(priceLabel, priceLabel + " must not be negative, was " + Row.quote(rawPrice));
            }
        }
        String currency = row.optional("currency");
        if (currency != null) {
            String upper = currency.toUpperCase(Locale.ROOT);
            if (!CURRENCY.matcher(upper).matches()) {
                throw new BadRecord(row.label("currency"), row.label("currency") + " " + Row.quote(currency)
                        + " is not a 3-letter ISO 4217 code");
            }
            currency = upper;
        }
        boolean available = bool(row, "available", true);
        Map<String, String> attributes = row.attributes(ITEM_FIELDS);
        try {
            return new Item(id, title, row.optional("description"), row.optional("category"), price, currency,
                    available, row.optional("language"), attributes);
        } catch (IllegalArgumentException e) {
            throw new BadRecord(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    static Event event(Row row, Mapping mapping, ZoneId zone, Pseudonymiser pseudonymiser) throws BadRecord {
        String id = row.id("id");
        String rawType = row.required("type");
        EventType type;
        try {
            type = EventType.parse(rawType);
        } catch (IllegalArgumentException e) {
            String label = row.label("type");
            throw new BadRecord(label, e.getMessage().replace("type '" + rawType + "'", label + " "
                    + Row.quote(rawType)));
        }
        String user = pseudonymiser.userId(row.id("user"));
        String item = type.needsItem() ? row.id("item") : row.optional("item");
        if (item != null && item.length() > Row.MAX_ID_LENGTH) {
            throw new BadRecord(row.label("item"), row.label("item") + " is longer than " + Row.MAX_ID_LENGTH
                    + " characters");
        }
        int quantity = 1;
        String rawQuantity = row.optional("quantity");
        if (rawQuantity != null) {
            String label = row.label("quantity");
            try {
                quantity = Integer.parseInt(rawQuantity);
            } catch (NumberFormatException e) {
                throw new BadRecord(label, label + " " + Row.quote(rawQuantity) + " is not a whole number");
            }
            if (quantity < 1) {
                throw new BadRecord(label, label + " must be at least 1, was " + Row.quote(rawQuantity));
            }
        }
        Instant timestamp = timestamp(row.required("timestamp"), row.label("timestamp"), mapping, zone);
        try {
            return new Event(id, type, user, item, quantity, timestamp, row.optional("query"));
        } catch (IllegalArgumentException e) {
            throw new BadRecord(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    /**
     * With the mapping's {@code timestamp.format}: that pattern (a date, a local date-time in the zone, or one with
     * a zone or offset). Without: ISO-8601 instants ({@code 2026-01-01T10:00:00Z}, with an offset), local
     * date-times ({@code T} or a space, taken in the zone) or epoch milliseconds.
     */
    static Instant timestamp(String value, String label, Mapping mapping, ZoneId defaultZone) throws BadRecord {
        // Rows of one order share their time: parsing is the costliest step of a row.
        if (value.equals(mapping.lastTimestamp)) {
            return mapping.lastInstant;
        }
        Instant instant = parseTimestamp(value, label, mapping, defaultZone);
        mapping.lastTimestamp = value;
        mapping.lastInstant = instant;
        return instant;
    }

    private static Instant parseTimestamp(String value, String label, Mapping mapping, ZoneId defaultZone)
            throws BadRecord {
        ZoneId zone = mapping.zone == null ? defaultZone : mapping.zone;
        DateTimeFormatter format = mapping.timestampFormat;
        if (format != null) {
            try {
                TemporalAccessor t = format.parseBest(value, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
                if (t instanceof ZonedDateTime z) {
                    return z.toInstant();
                }
                if (t instanceof LocalDateTime l) {
                    return l.atZone(zone).toInstant();
                }
                return ((LocalDate) t).atStartOfDay(zone).toInstant();
            } catch (DateTimeException | ArithmeticException e) {
                throw new BadRecord(label, label + " " + Row.quote(value) + " does not match the format "
                        + Row.quote(format.toString()));
            }
        }
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
            throw new BadRecord(label, label + " " + Row.quote(value)
                    + " is not an ISO-8601 instant, a local date-time or epoch milliseconds");
        }
    }

    private static boolean bool(Row row, String field, boolean otherwise) throws BadRecord {
        String value = row.optional(field);
        if (value == null) {
            return otherwise;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> true;
            case "false", "no", "n", "0" -> false;
            default -> throw new BadRecord(row.label(field), row.label(field) + " " + Row.quote(value)
                    + " is not true or false");
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
