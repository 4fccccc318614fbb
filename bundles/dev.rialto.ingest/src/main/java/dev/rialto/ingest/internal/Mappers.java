package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.profiles.Consent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
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
    static final Set<String> ITEM_FIELDS = Set.of("id", "title", "description", "category", "price", "currency",
            "available", "language", "brand");
    /** The id is optional: without one, an event's id is a hash of its content (see {@link #contentId}). */
    static final List<String> EVENT_REQUIRED = List.of("type", "user", "timestamp");
    static final List<String> PROFILE_REQUIRED = List.of("id");
    static final String CONSENT_PERSONALISATION = "consent_personalisation";
    static final String CONSENT_EMAIL = "consent_email";
    static final String CONSENT_ADS = "consent_ads";
    static final Set<String> PROFILE_FIELDS = Set.of("id", CONSENT_PERSONALISATION, CONSENT_EMAIL, CONSENT_ADS);
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    // compiled once: String.matches compiles its pattern at every call, and timestamps are parsed per row
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,18}");
    private static final Pattern WITH_OFFSET = Pattern.compile(".*T.*[+-]\\d{2}(:?\\d{2})?$");

    private Mappers() {
    }

    static Item item(Row row, Mapping mapping) throws BadRecord {
        String id = row.id("id");
        String title = row.required("title");
        BigDecimal price = price(row, mapping);
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
                    available, row.optional("language"), attributes, row.optional("brand"));
        } catch (IllegalArgumentException e) {
            throw new BadRecord(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    /** A price in the mapping's decimal format, at most 15 digits before the point (the store's DECIMAL(19,4)). */
    static BigDecimal price(Row row, Mapping mapping) throws BadRecord {
        String rawPrice = row.optional("price");
        if (rawPrice == null) {
            return null;
        }
        String label = row.label("price");
        BigDecimal price;
        try {
            price = new BigDecimal(mapping.normalDecimal(rawPrice));
        } catch (NumberFormatException e) {
            throw new BadRecord(label, label + " " + Row.quote(rawPrice) + " is not a number");
        }
        if (price.signum() < 0) {
            throw new BadRecord(label, label + " must not be negative, was " + Row.quote(rawPrice));
        }
        if (price.precision() - price.scale() > 15) {
            throw new BadRecord(label, label + " " + Row.quote(rawPrice) + " is too large");
        }
        if (price.scale() > 4) {
            throw new BadRecord(label, label + " " + Row.quote(rawPrice) + " has more than 4 decimal places");
        }
        return price;
    }

    /** Tri-state consent columns: true/false (yes/no, y/n, 1/0) or blank for "not said". */
    static Consent consent(Row row) throws BadRecord {
        return new Consent(tri(row, CONSENT_PERSONALISATION), tri(row, CONSENT_EMAIL), tri(row, CONSENT_ADS));
    }

    private static Boolean tri(Row row, String field) throws BadRecord {
        return row.optional(field) == null ? null : bool(row, field, false);
    }

    static Event event(Row row, Mapping mapping, ZoneId zone, UnaryOperator<String> pseudonymiser)
            throws BadRecord {
        String id = row.optional("id");
        if (id != null && id.length() > Row.MAX_ID_LENGTH) {
            throw new BadRecord(row.label("id"), row.label("id") + " is longer than " + Row.MAX_ID_LENGTH
                    + " characters");
        }
        String rawType = row.required("type");
        EventType type;
        try {
            type = EventType.parse(rawType);
        } catch (IllegalArgumentException e) {
            String label = row.label("type");
            throw new BadRecord(label, e.getMessage().replace("type '" + rawType + "'", label + " "
                    + Row.quote(rawType)));
        }
        String user = pseudonymiser.apply(row.id("user"));
        // An ad event may name a creative in its context instead of an item.
        boolean itemRequired = type.needsItem() && !(type.isAd() && row.optional("creative") != null);
        String item = itemRequired ? row.id("item") : row.optional("item");
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
        BigDecimal price = price(row, mapping);
        EventContext context = new EventContext(shortText(row, "channel"), shortText(row, "campaign"),
                shortText(row, "slot"), shortText(row, "creative"));
        String query = row.optional("query");
        if (id == null) {
            id = contentId(type, user, item, quantity, timestamp, query, price, context);
        }
        try {
            return new Event(id, type, user, item, quantity, timestamp, query, price, context);
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
        Instant utc = isoUtc(value);
        if (utc != null) {
            return utc;
        }
        try {
            if (EPOCH_MILLIS.matcher(value).matches()) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            String iso = value.length() > 10 && value.charAt(10) == ' '
                    ? value.substring(0, 10) + 'T' + value.substring(11) : value;
            if (iso.endsWith("Z") || iso.endsWith("z") || WITH_OFFSET.matcher(iso).matches()) {
                return OffsetDateTime.parse(iso.endsWith("z") ? iso.substring(0, iso.length() - 1) + 'Z' : iso)
                        .toInstant();
            }
            return LocalDateTime.parse(iso).atZone(zone).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadRecord(label, label + " " + Row.quote(value)
                    + " is not an ISO-8601 instant, a local date-time or epoch milliseconds");
        }
    }

    /**
     * The common case without a parser: {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (or a space for the T), as exporters
     * and {@link Instant#toString()} write it. {@link OffsetDateTime#parse} cost more per row than the HMAC and the
     * insert's binding together. Null for anything else (other forms, out-of-range fields): the full parser decides
     * and words the error.
     */
    static Instant isoUtc(String v) {
        int n = v.length();
        if (n < 20 || n > 30 || v.charAt(n - 1) != 'Z' || v.charAt(4) != '-' || v.charAt(7) != '-'
                || (v.charAt(10) != 'T' && v.charAt(10) != ' ') || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return null;
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 7);
        int day = digits(v, 8, 10);
        int hour = digits(v, 11, 13);
        int minute = digits(v, 14, 16);
        int second = digits(v, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (v.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(v, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L
                + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code v[from, to)}, or -1 unless every character is an ASCII digit. */
    private static int digits(String v, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** An optional text stored in a VARCHAR(255) column. */
    private static String shortText(Row row, String field) throws BadRecord {
        String value = row.optional(field);
        if (value != null && value.length() > Row.MAX_ID_LENGTH) {
            throw new BadRecord(row.label(field), row.label(field) + " is longer than " + Row.MAX_ID_LENGTH
                    + " characters");
        }
        return value;
    }

    /**
     * The id of an event that came without one: {@code h:} and the SHA-256 of everything it says (after
     * pseudonymisation, so the raw user id never enters it). Re-sending or re-ingesting it gives the same id, so it
     * is stored once; two events identical in every field, to the millisecond, are one event.
     */
    static String contentId(EventType type, String user, String item, int quantity, Instant timestamp, String query,
            BigDecimal price, EventContext context) {
        StringBuilder text = new StringBuilder(128);
        text.append(type.wireName()).append('\u0000').append(user).append('\u0000').append(nullable(item))
                .append('\u0000').append(quantity).append('\u0000').append(timestamp.toEpochMilli())
                .append('\u0000').append(nullable(query)).append('\u0000')
                .append(price == null ? "" : price.stripTrailingZeros().toPlainString()).append('\u0000')
                .append(nullable(context.channel())).append('\u0000').append(nullable(context.campaign()))
                .append('\u0000').append(nullable(context.slot())).append('\u0000')
                .append(nullable(context.creative()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "h:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nullable(String value) {
        return value == null ? "\u0001" : value;
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
