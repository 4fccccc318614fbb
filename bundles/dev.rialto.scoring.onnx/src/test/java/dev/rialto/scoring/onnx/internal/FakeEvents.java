package dev.rialto.scoring.onnx.internal;

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

/** In-memory events; counts the calls the scorer makes so tests can check the request path. */
public final class FakeEvents implements EventRepository {
    private final List<Event> events = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    public volatile int recentCalls;

    @Override
    public synchronized int append(Collection<Event> values) {
        int stored = 0;
        for (Event e : values) {
            if (ids.add(e.id())) {
                events.add(e);
                stored++;
            }
        }
        return stored;
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    @Override
    public synchronized List<Event> recentForUser(String userId, int limit) {
        recentCalls++;
        return events.stream().filter(e -> e.userId().equals(userId))
                .sorted(Comparator.comparing(Event::timestamp).reversed().thenComparing(Event::id))
                .limit(limit).toList();
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        List<Event> copy;
        synchronized (this) {
            copy = events.stream().filter(e -> from == null || !e.timestamp().isBefore(from))
                    .filter(e -> to == null || e.timestamp().isBefore(to))
                    .sorted(Comparator.comparing(Event::timestamp)).toList();
        }
        copy.forEach(consumer);
    }

    @Override
    public synchronized Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        Map<String, Long> counts = new HashMap<>();
        events.stream().filter(e -> e.itemId() != null && types.contains(e.type()))
                .filter(e -> since == null || !e.timestamp().isBefore(since))
                .forEach(e -> counts.merge(e.itemId(), 1L, Long::sum));
        return counts;
    }

    @Override
    public synchronized Instant newestTimestamp() {
        return events.stream().map(Event::timestamp).max(Comparator.naturalOrder()).orElse(null);
    }

    /** Erases the user's events (as the store's erasure does); returns them. */
    public synchronized List<Event> deleteUser(String userId) {
        List<Event> gone = events.stream().filter(e -> e.userId().equals(userId)).toList();
        events.removeAll(gone);
        gone.forEach(e -> ids.remove(e.id()));
        return gone;
    }

    public synchronized List<Event> all() {
        return List.copyOf(events);
    }
}
