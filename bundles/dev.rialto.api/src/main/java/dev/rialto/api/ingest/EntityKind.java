package dev.rialto.api.ingest;

import java.util.Locale;

/** What a source file or message holds. */
public enum EntityKind {
    ITEMS, EVENTS, PROFILES;

    /** Parses {@code items}, {@code events} or {@code profiles}, case-insensitive. */
    public static EntityKind parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("kind must not be blank");
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind '" + value + "' is not one of items, events, profiles");
        }
    }
}
