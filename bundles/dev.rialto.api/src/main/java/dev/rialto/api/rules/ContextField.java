package dev.rialto.api.rules;

import java.util.Locale;

/**
 * The request context a rule can test. {@code HOUR} (0-23) and {@code DAY_OF_WEEK} (mon..sun, or 1..7 from Monday)
 * are the user's local time.
 */
public enum ContextField {
    PAGE, CATEGORY, QUERY, DEVICE, COUNTRY, HOUR, DAY_OF_WEEK;

    public String wireName() {
        return this == DAY_OF_WEEK ? "dayOfWeek" : name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ContextField parse(String wire) {
        String normal = wire == null ? "" : wire.strip().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (ContextField field : values()) {
            if (field.name().replace("_", "").equals(normal)) {
                return field;
            }
        }
        throw new IllegalArgumentException("context '" + wire + "' is not one of page, category, query, device,"
                + " country, hour, dayOfWeek");
    }
}
