package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.scoring.onnx.internal.features.UserFeatures;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The users' feature aggregates ({@link UserFeatures}) kept between requests, so a repeated request for a user
 * whose history has not changed skips the history read and the pass over up to history.limit events.
 * <p>
 * Validity: an entry serves only the snapshot it was computed against, the same history length, and only while
 * its user's stamp is unchanged. The store's change feed (called after commit) bumps the stamp of every user with
 * new events and of an erased user; a request reads the stamp <em>before</em> it reads the history, so an event
 * committed while it computes leaves its entry stale rather than wrong. Stamps are striped by user id (a bump may
 * also make a few other users cold; never the reverse). Bounded by an approximate byte budget, least recently used
 * out first.
 */
final class UserProfileCache {
    private static final int STRIPES = 4096;

    private record Entry(UserFeatures features, int historyLimit, int stamp, long bytes) {
    }

    /** Valid aggregates and the history length they were computed from. */
    record Cached(UserFeatures features, int historyLimit) {
    }

    private final long budgetBytes;
    private final AtomicIntegerArray stamps = new AtomicIntegerArray(STRIPES);
    /** Access order; guarded by itself. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();

    /** @param budgetBytes at most this many (approximate) bytes of entries; 0 disables the cache */
    UserProfileCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    long budgetBytes() {
        return budgetBytes;
    }

    boolean enabled() {
        return budgetBytes > 0;
    }

    /** The user's stamp now: read before reading the history that {@link #put} will be given. */
    int stamp(String user) {
        return stamps.get(stripe(user));
    }

    /** The user's aggregates for this snapshot, or null when none is valid. */
    Cached get(String user, FeatureSnapshot snapshot) {
        Entry e;
        synchronized (entries) {
            e = entries.get(user);
        }
        if (e != null && e.features.snapshot() == snapshot && e.stamp == stamps.get(stripe(user))) {
            hits.increment();
            return new Cached(e.features, e.historyLimit);
        }
        misses.increment();
        return null;
    }

    /** Keeps the aggregates computed from a history read after {@code stamp}; not when the user changed since. */
    void put(String user, int stamp, int historyLimit, UserFeatures features) {
        long size = features.approximateBytes() + 64 + 2L * user.length();
        if (size > budgetBytes || stamp != stamps.get(stripe(user))) {
            return;
        }
        synchronized (entries) {
            Entry old = entries.put(user, new Entry(features, historyLimit, stamp, size));
            bytes += size - (old == null ? 0 : old.bytes);
            Iterator<Entry> eldest = entries.values().iterator();
            while (bytes > budgetBytes && eldest.hasNext()) {
                bytes -= eldest.next().bytes;
                eldest.remove();
            }
        }
    }

    /** The user's history changed or was erased: any entry computed before now is stale. */
    void invalidate(String user) {
        stamps.incrementAndGet(stripe(user));
        synchronized (entries) {
            Entry old = entries.remove(user);
            if (old != null) {
                bytes -= old.bytes;
            }
        }
    }

    /** Drops every entry (a new snapshot: they can no longer be served). */
    void clear() {
        synchronized (entries) {
            entries.clear();
            bytes = 0;
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    long bytes() {
        synchronized (entries) {
            return bytes;
        }
    }

    private static int stripe(String user) {
        return (user.hashCode() * 0x9E3779B9) >>> 20 & (STRIPES - 1);
    }
}
