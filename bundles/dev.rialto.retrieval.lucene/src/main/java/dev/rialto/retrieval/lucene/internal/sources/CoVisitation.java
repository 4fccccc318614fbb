package dev.rialto.retrieval.lucene.internal.sources;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;

/**
 * Item pairs that one user engaged with within a session window, counted with time decay. Within a session a pair
 * counts once, with the weaker of its two events' weights (a view next to a purchase counts as a view; a later
 * purchase of the same item adds the difference). Each item keeps at most {@code neighbours} neighbours (the
 * strongest), so memory is bounded by items x neighbours plus the open sessions.
 */
final class CoVisitation {

    /** Items remembered per open session; bounds the pairs one event creates. */
    static final int SESSION_ITEMS = 50;
    private static final int PURGE_EVERY = 10_000;

    private record Visit(double weight, long atMillis) {
    }

    private final Map<EventType, Double> weights;
    private final long sessionMillis;
    private final double halfLifeMillis;
    private final int neighbours;
    /** Open sessions by user; guarded by {@code this}. */
    private final Map<String, LinkedHashMap<String, Visit>> sessions = new HashMap<>();
    private final Map<String, Neighbours> byItem = new ConcurrentHashMap<>();
    private volatile long newestMillis = Long.MIN_VALUE;
    private int sincePurge;

    CoVisitation(Map<EventType, Double> weights, long sessionMillis, double halfLifeMillis, int neighbours) {
        this.weights = weights;
        this.sessionMillis = sessionMillis;
        this.halfLifeMillis = halfLifeMillis;
        this.neighbours = neighbours;
    }

    /** Receives the pair increments one event causes. */
    private interface Pairs {
        void pair(String a, String b, double increment, long t);
    }

    synchronized void add(Event e) {
        Double w = weights.get(e.type());
        if (e.itemId() == null || w == null || w <= 0) {
            return;
        }
        long t = e.timestamp().toEpochMilli();
        if (t > newestMillis) {
            newestMillis = t;
        }
        LinkedHashMap<String, Visit> session = sessions.computeIfAbsent(e.userId(), u -> new LinkedHashMap<>());
        visit(session, e.itemId(), w, t, (a, b, inc, at) -> {
            pair(a, b, inc, at);
            pair(b, a, inc, at);
        });
        if (++sincePurge >= PURGE_EVERY) {
            sincePurge = 0;
            long cutoff = newestMillis - sessionMillis;
            sessions.values().removeIf(s -> s.isEmpty() || lastVisit(s) < cutoff);
        }
    }

    /**
     * Takes a forgotten user's contribution back: replays their events (oldest first) through the same session
     * logic, so exactly the increments they added are subtracted (a neighbour pruned meanwhile is skipped), and
     * drops their open session.
     */
    synchronized void remove(String userId, List<Event> oldestFirst) {
        sessions.remove(userId);
        LinkedHashMap<String, Visit> session = new LinkedHashMap<>();
        for (Event e : oldestFirst) {
            Double w = weights.get(e.type());
            if (e.itemId() == null || w == null || w <= 0) {
                continue;
            }
            visit(session, e.itemId(), w, e.timestamp().toEpochMilli(), (a, b, inc, at) -> {
                unpair(a, b, inc, at);
                unpair(b, a, inc, at);
            });
        }
    }

    private void unpair(String from, String to, double weight, long t) {
        Neighbours n = byItem.get(from);
        if (n != null && n.subtract(to, weight, t)) {
            byItem.remove(from, n);
        }
    }

    private void visit(LinkedHashMap<String, Visit> session, String itemId, double w, long t, Pairs pairs) {
        // Entries are in order of their last visit, so expired ones sit at the head.
        for (Iterator<Visit> it = session.values().iterator(); it.hasNext();) {
            if (it.next().atMillis() < t - sessionMillis) {
                it.remove();
            } else {
                break;
            }
        }
        Visit old = session.remove(itemId);
        double before = old == null ? 0 : old.weight();
        for (Map.Entry<String, Visit> other : session.entrySet()) {
            double wa = other.getValue().weight();
            double inc = Math.min(wa, w) - Math.min(wa, before);
            if (inc > 0) {
                pairs.pair(other.getKey(), itemId, inc, t);
            }
        }
        session.put(itemId, new Visit(Math.max(before, w), Math.max(t, old == null ? t : old.atMillis())));
        if (session.size() > SESSION_ITEMS) {
            Iterator<String> it = session.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private static long lastVisit(LinkedHashMap<String, Visit> session) {
        long last = Long.MIN_VALUE;
        for (Visit v : session.values()) {
            last = Math.max(last, v.atMillis());
        }
        return last;
    }

    private void pair(String from, String to, double weight, long t) {
        byItem.computeIfAbsent(from, k -> new Neighbours()).add(to, weight, t);
    }

    /** The decayed co-visitation weights of the item's neighbours, as of the newest event seen. */
    Map<String, Double> neighbours(String itemId) {
        Neighbours n = byItem.get(itemId);
        return n == null ? Map.of() : n.values(newestMillis);
    }

    /** Number of items that have neighbours. */
    int items() {
        return byItem.size();
    }

    /** Open sessions, for tests of the memory bound. */
    synchronized int sessions() {
        return sessions.size();
    }

    private final class Neighbours {
        private final Map<String, DecayedValue> values = new HashMap<>();
        /**
         * The last answer of {@link #values} and the time it was decayed to: the same until a pair is added or
         * subtracted or the newest event moves (a campaign asks for the same seeds' neighbours user after user,
         * with no event in between).
         */
        private Map<String, Double> lastRanked;
        private long lastRef;

        synchronized void add(String other, double weight, long t) {
            lastRanked = null;
            values.computeIfAbsent(other, k -> new DecayedValue()).add(weight, t, halfLifeMillis);
            if (values.size() > 2 * neighbours) {
                // Pruning to the strongest half amortises the sort over many additions.
                values.keySet().retainAll(ranked(t).keySet());
            }
        }

        /** Subtracts a weight added at {@code t}; true when no neighbour is left. */
        synchronized boolean subtract(String other, double weight, long t) {
            lastRanked = null;
            DecayedValue v = values.get(other);
            if (v != null && v.subtract(weight, t, halfLifeMillis)) {
                values.remove(other);
            }
            return values.isEmpty();
        }

        synchronized Map<String, Double> values(long ref) {
            if (lastRanked == null || lastRef != ref) {
                lastRanked = Collections.unmodifiableMap(ranked(ref));
                lastRef = ref;
            }
            return lastRanked;
        }

        private Map<String, Double> ranked(long ref) {
            // Plain arrays and one comparator: a recommendation asks this for each of the user's seed items, and the
            // stream of boxed entries it replaced was most of the co-visitation source's time.
            int n = values.size();
            String[] ids = new String[n];
            double[] weights = new double[n];
            Integer[] order = new Integer[n];
            int i = 0;
            for (Map.Entry<String, DecayedValue> e : values.entrySet()) {
                ids[i] = e.getKey();
                weights[i] = e.getValue().valueAt(ref, halfLifeMillis);
                order[i] = i;
                i++;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Double.compare(weights[b], weights[a]);
                return c != 0 ? c : ids[a].compareTo(ids[b]);
            });
            int keep = Math.min(n, neighbours);
            Map<String, Double> out = new LinkedHashMap<>(keep * 2);
            for (int k = 0; k < keep; k++) {
                out.put(ids[order[k]], weights[order[k]]);
            }
            return out;
        }
    }
}
