package dev.rialto.ingest.internal;

/**
 * Seam for pseudonymisation (a later issue): maps a raw user id (an event's {@code user}, a profile's {@code id})
 * to the id that is stored. Until it is implemented the ingestor uses {@link #NONE} and stores ids as given.
 */
@FunctionalInterface
interface Pseudonymiser {
    /** Stores user ids unchanged. */
    Pseudonymiser NONE = raw -> raw;

    String userId(String raw);
}
