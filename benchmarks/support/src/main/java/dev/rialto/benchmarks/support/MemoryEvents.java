package dev.rialto.benchmarks.support;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
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

/**
 * Events in memory, indexed by user (newest first), so that a history read costs about what the store's indexed
 * query returns (a copy of at most {@code limit} events), not a scan: the benchmarks measure the components, not
 * this fake. Events with an id already held are dropped, as the store drops them.
 */
public final class MemoryEvents implements EventRepository {

    private static final Comparator<Event> NEWEST_FIRST =
            Comparator.comparing(Event::timestamp).reversed().thenComparing(Event::id);

    private final List<Event> all = new ArrayList<>();
    private final Map<String, List<Event>> byUser = new HashMap<>();
    private final Set<String> ids = new HashSet<>();
    private boolean sealed = true;

    public MemoryEvents() {
    }

    /** Holds these events, ready to read. */
    public MemoryEvents(Collection<Event> events) {
        append(events);
        seal();
    }

    @Override
    public synchronized int append(Collection<Event> events) {
        int n = 0;
        for (Event e : events) {
            if (ids.add(e.id())) {
                List<Event> mine = byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>());
                // An event newer than every other one keeps the lists sorted (a browsing user's next event):
                // no re-sort of everything on the next read.
                boolean newest = sealed && (all.isEmpty() || e.timestamp().isAfter(all.get(all.size() - 1).timestamp()));
                all.add(e);
                if (newest) {
                    mine.add(0, e);
                } else {
                    mine.add(e);
                    sealed = false;
                }
                n++;
            }
        }
        return n;
    }

    /** Sorts after loading: every history newest first, everything oldest first. Reads seal on demand too. */
    public synchronized void seal() {
        if (!sealed) {
            all.sort(Comparator.comparing(Event::timestamp));
            byUser.values().forEach(l -> l.sort(NEWEST_FIRST));
            sealed = true;
        }
    }

    @Override
    public synchronized long count() {
        return all.size();
    }

    @Override
    public synchronized List<Event> recentForUser(String userId, int limit) {
        seal();
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
            seal();
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
        seal();
        return all.isEmpty() ? null : all.get(all.size() - 1).timestamp();
    }

    /** Every user with at least one event. */
    public synchronized Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    /** Users by number of events, most active first (ties by id). */
    public synchronized List<String> usersByActivity() {
        return byUser.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<Event>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
    }
}
