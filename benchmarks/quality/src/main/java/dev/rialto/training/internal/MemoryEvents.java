package dev.rialto.training.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;

/**
 * Events in memory, indexed by user (newest first), so that a history read costs about what the store's indexed
 * query returns, not a scan (as in benchmarks/retrieval).
 */
final class MemoryEvents implements EventRepository {

    private final List<Event> all = new ArrayList<>();
    private final Map<String, List<Event>> byUser = new HashMap<>();
    private final Set<String> ids = new HashSet<>();

    @Override
    public synchronized int append(Collection<Event> events) {
        int n = 0;
        for (Event e : events) {
            if (ids.add(e.id())) {
                all.add(e);
                byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
                n++;
            }
        }
        return n;
    }

    /** Sorts once after loading: every history newest first, everything oldest first. */
    synchronized void seal() {
        all.sort(Comparator.comparing(Event::timestamp));
        Comparator<Event> newestFirst = Comparator.comparing(Event::timestamp).reversed();
        byUser.values().forEach(l -> l.sort(newestFirst));
    }

    @Override
    public synchronized long count() {
        return all.size();
    }

    @Override
    public synchronized List<Event> recentForUser(String userId, int limit) {
        List<Event> l = byUser.get(userId);
        if (l == null) {
            return List.of();
        }
        return List.copyOf(l.subList(0, Math.min(limit, l.size())));
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        List<Event> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(all);
        }
        for (Event e : snapshot) {
            if ((from == null || !e.timestamp().isBefore(from)) && (to == null || e.timestamp().isBefore(to))) {
                consumer.accept(e);
            }
        }
    }

    @Override
    public synchronized Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        Map<String, Long> out = new HashMap<>();
        for (Event e : all) {
            if (types.contains(e.type()) && e.itemId() != null && (since == null || !e.timestamp().isBefore(since))) {
                out.merge(e.itemId(), 1L, Long::sum);
            }
        }
        return out;
    }

    @Override
    public synchronized Instant newestTimestamp() {
        return all.isEmpty() ? null : all.get(all.size() - 1).timestamp();
    }

    synchronized Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }
}
