package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.scoring.onnx.internal.features.UserFeatures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>
 * Updates ({@link #eventsStored}): an entry that was valid when its user's new events are reported, and that kept
 * its window, stays valid with the events as <em>pending</em>; the next request brings it up to date from the
 * window ({@code EngineeredFeatureExtractor.withEvents}) instead of reading the store. The entry may already hold
 * such an event (computed from a history read after the commit but before the report): the update then finds an
 * event at that exact time and gives up, and the request computes afresh. Stamp bumps and entry changes happen
 * under one lock, so a report sees the entry exactly as valid or not.
 */
final class UserProfileCache {
    private static final int STRIPES = 4096;

    private record Entry(UserFeatures features, int historyLimit, int stamp, long bytes, List<Event> pending) {
    }

    /**
     * Valid aggregates and the history length they were computed from, with the user's events reported since
     * (empty when none), and the stamp they are valid for.
     */
    record Cached(UserFeatures features, int historyLimit, List<Event> pending, int stamp) {
    }

    private final long budgetBytes;
    private final AtomicIntegerArray stamps = new AtomicIntegerArray(STRIPES);
    /** Access order; guarded by itself. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    /** Entries brought up to date from their window, and updates given up (computed afresh instead). */
    final LongAdder updates = new LongAdder();
    final LongAdder updatesGivenUp = new LongAdder();

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
            return new Cached(e.features, e.historyLimit, e.pending, e.stamp);
        }
        misses.increment();
        return null;
    }

    /** Keeps the aggregates computed from a history read after {@code stamp}; not when the user changed since. */
    void put(String user, int stamp, int historyLimit, UserFeatures features) {
        long size = features.approximateBytes() + 64 + 2L * user.length();
        if (size > budgetBytes) {
            return;
        }
        synchronized (entries) {
            if (stamp != stamps.get(stripe(user))) {
                return;
            }
            Entry old = entries.put(user, new Entry(features, historyLimit, stamp, size, List.of()));
            bytes += size - (old == null ? 0 : old.bytes);
            evict();
        }
    }

    /** The user's history changed or was erased: any entry computed before now is stale. */
    void invalidate(String user) {
        synchronized (entries) {
            stamps.incrementAndGet(stripe(user));
            Entry old = entries.remove(user);
            if (old != null) {
                bytes -= old.bytes;
            }
        }
    }

    /**
     * New events of the user were stored: with {@code keep}, a valid entry that can be updated stays valid with
     * them pending; any other entry of the user is dropped.
     */
    void eventsStored(String user, List<Event> events, boolean keep) {
        synchronized (entries) {
            int stripe = stripe(user);
            int before = stamps.getAndIncrement(stripe);
            Entry old = entries.remove(user);
            if (old == null) {
                return;
            }
            bytes -= old.bytes;
            if (keep && old.stamp == before && old.features.updatable()
                    && old.pending.size() + events.size() <= MAX_PENDING) {
                List<Event> pending = new ArrayList<>(old.pending.size() + events.size());
                pending.addAll(old.pending);
                pending.addAll(events);
                long size = old.bytes + PENDING_BYTES * events.size();
                entries.put(user, new Entry(old.features, old.historyLimit, before + 1, size,
                        Collections.unmodifiableList(pending)));
                bytes += size;
                evict();
            }
        }
    }

    /** More pending events than this: computing afresh is as cheap, and they would hold memory. */
    static final int MAX_PENDING = 256;
    /** A rough size of one pending event (the record, its strings and timestamp). */
    private static final long PENDING_BYTES = 300;

    private void evict() {
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > budgetBytes && eldest.hasNext()) {
            bytes -= eldest.next().bytes;
            eldest.remove();
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
