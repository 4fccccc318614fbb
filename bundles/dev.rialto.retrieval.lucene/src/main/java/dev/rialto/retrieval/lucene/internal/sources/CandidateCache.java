package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.ItemFilter;

/**
 * One personal source's last list per user (and quota and filter), served again while nothing it was computed from
 * changed: the answer is a function of the key, the index's state ({@code ItemIndex.epoch()}: it moves when searches
 * see a new reader, so an item written or deleted through the change feed and a behaviour publication invalidate
 * once they are searchable), the
 * source's settings and model, and the user's inputs (the weighted history, the purchases left out). An entry is
 * served only when all of those are equal to the request's, so a new event of the user, an item change or a new
 * publication is a miss, never a stale answer. At most {@code capacity} users are kept (least recently used
 * first out); 0 keeps none.
 */
public final class CandidateCache {

    /** Every cache of this bundle, so that a forgotten user's lists leave memory at once. */
    private static final Set<CandidateCache> ALL = Collections.newSetFromMap(new WeakHashMap<>());

    /** What a source's list depends on besides the user's inputs: the index state, settings and model. */
    public record Stamp(long epoch, Object settings, Object model) {
    }

    private record Key(String userId, int n, ItemFilter filter) {
    }

    private record Entry(Stamp stamp, Object inputs, String[] ids, double[] scores) {
    }

    private final String source;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private int capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > capacity;
        }
    };

    public CandidateCache(String source, int capacity) {
        this.source = source;
        capacity(capacity);
        synchronized (ALL) {
            ALL.add(this);
        }
    }

    /** Sets how many users are kept, dropping the least recently used beyond it. */
    public synchronized void capacity(int users) {
        if (users < 0) {
            throw new IllegalArgumentException("source.cache.users must not be negative, was " + users);
        }
        capacity = users;
        if (users == 0) {
            entries.clear();
        } else {
            while (entries.size() > users) {
                Key eldest = entries.keySet().iterator().next();
                entries.remove(eldest);
            }
        }
    }

    /**
     * The list kept for the user under exactly this stamp and these inputs, or null. {@code inputs} must have
     * value equality (maps, sets, records of them).
     */
    public List<Candidate> get(String userId, int n, ItemFilter filter, Stamp stamp, Object inputs) {
        Entry e;
        synchronized (this) {
            if (capacity == 0) {
                return null;
            }
            e = entries.get(new Key(userId, n, filter));
        }
        if (e == null || !e.stamp().equals(stamp) || !Objects.equals(e.inputs(), inputs)) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        List<Candidate> out = new ArrayList<>(e.ids().length);
        for (int i = 0; i < e.ids().length; i++) {
            out.add(new Candidate(e.ids()[i], source, i + 1, e.scores()[i]));
        }
        return out;
    }

    /**
     * Keeps the list computed for the user. The stamp must have been taken before the list was computed: a change
     * during the computation then moves the epoch past it, and the entry is never served.
     */
    public void put(String userId, int n, ItemFilter filter, Stamp stamp, Object inputs, List<Candidate> list) {
        String[] ids = new String[list.size()];
        double[] scores = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i).itemId();
            scores[i] = list.get(i).score();
        }
        synchronized (this) {
            if (capacity > 0) {
                entries.put(new Key(userId, n, filter), new Entry(stamp, inputs, ids, scores));
            }
        }
    }

    /** Drops the user's lists (the user was forgotten). */
    public synchronized void forget(String userId) {
        entries.keySet().removeIf(k -> k.userId().equals(userId));
    }

    /** Drops every list. */
    public synchronized void clear() {
        entries.clear();
    }

    public synchronized int size() {
        return entries.size();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    /** Drops a forgotten user's lists from every cache of this bundle. */
    public static void forgetEverywhere(String userId) {
        List<CandidateCache> caches;
        synchronized (ALL) {
            caches = new ArrayList<>(ALL);
        }
        caches.forEach(c -> c.forget(userId));
    }
}
