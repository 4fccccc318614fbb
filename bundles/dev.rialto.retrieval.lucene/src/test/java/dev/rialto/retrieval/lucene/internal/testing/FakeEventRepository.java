package dev.rialto.retrieval.lucene.internal.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;

/** In-memory event store. */
public final class FakeEventRepository implements EventRepository {

    private final Map<String, Event> events = new LinkedHashMap<>();

    @Override
    public synchronized int append(Collection<Event> batch) {
        int n = 0;
        for (Event e : batch) {
            if (events.putIfAbsent(e.id(), e) == null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    @Override
    public synchronized List<Event> recentForUser(String userId, int limit) {
        return events.values().stream().filter(e -> e.userId().equals(userId))
                .sorted(Comparator.comparing(Event::timestamp).reversed()).limit(limit).toList();
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        List<Event> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(events.values());
        }
        snapshot.stream().filter(e -> from == null || !e.timestamp().isBefore(from))
                .filter(e -> to == null || e.timestamp().isBefore(to))
                .sorted(Comparator.comparing(Event::timestamp)).forEach(consumer);
    }

    @Override
    public synchronized Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        Map<String, Long> out = new HashMap<>();
        events.values().stream().filter(e -> types.contains(e.type()) && e.itemId() != null)
                .filter(e -> since == null || !e.timestamp().isBefore(since))
                .forEach(e -> out.merge(e.itemId(), 1L, Long::sum));
        return out;
    }

    @Override
    public synchronized Instant newestTimestamp() {
        return events.values().stream().map(Event::timestamp).max(Comparator.naturalOrder()).orElse(null);
    }
}
