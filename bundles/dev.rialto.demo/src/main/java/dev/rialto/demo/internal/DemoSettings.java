package dev.rialto.demo.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What to generate. The same settings always produce the same bytes.
 *
 * @param seed          the random seed
 * @param users         number of users, at least {@link #MIN_USERS}
 * @param items         number of items, at least {@link #MIN_ITEMS} so that every sub-category has items
 * @param events        minimum number of events; sessions are added until it is reached
 * @param referenceTime every event happens in the {@link #DAYS} days before the day of this instant
 */
record DemoSettings(long seed, int users, int items, int events, Instant referenceTime) {

    static final int MIN_USERS = 10;
    static final int MIN_ITEMS = 100;
    static final int DAYS = 90;

    static final long DEFAULT_SEED = 42;
    static final int DEFAULT_USERS = 1200;
    static final int DEFAULT_ITEMS = 2500;
    static final int DEFAULT_EVENTS = 120_000;

    DemoSettings {
        if (users < MIN_USERS) {
            throw new IllegalArgumentException("users must be at least " + MIN_USERS + ", was " + users);
        }
        if (items < MIN_ITEMS) {
            throw new IllegalArgumentException("items must be at least " + MIN_ITEMS + ", was " + items);
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative, was " + events);
        }
        if (referenceTime == null) {
            throw new IllegalArgumentException("reference.time must not be null");
        }
    }

    /** The default settings with the given reference time. */
    static DemoSettings defaults(Instant referenceTime) {
        return new DemoSettings(DEFAULT_SEED, DEFAULT_USERS, DEFAULT_ITEMS, DEFAULT_EVENTS, referenceTime);
    }

    /** The end of the event window: the start of the reference instant's day (UTC). */
    Instant windowEnd() {
        return referenceTime.truncatedTo(ChronoUnit.DAYS);
    }
}
