package dev.rialto.benchmarks.scoring;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Read-only in-memory events with a per-user index, newest first: {@code recentForUser} costs what an indexed
 * store query returns (a copy of at most {@code limit} events), not a scan, so the benchmark measures the scorer.
 */
final class MemoryEvents implements EventRepository {
    private static final Comparator<Event> NEWEST_FIRST =
            Comparator.comparing(Event::timestamp).reversed().thenComparing(Event::id);
    private final List<Event> all;
    private final Map<String, List<Event>> byUser = new HashMap<>();

    MemoryEvents(List<Event> events) {
        all = events.stream().sorted(Comparator.comparing(Event::timestamp)).toList();
        for (Event e : all) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        byUser.values().forEach(list -> list.sort(NEWEST_FIRST));
    }

    /** Users by number of events, most active first. */
    List<String> usersByActivity() {
        return byUser.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<Event>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public int append(Collection<Event> events) {
        throw new UnsupportedOperationException("read-only benchmark store");
    }

    @Override
    public long count() {
        return all.size();
    }

    @Override
    public List<Event> recentForUser(String userId, int limit) {
        List<Event> events = byUser.getOrDefault(userId, List.of());
        return new ArrayList<>(events.subList(0, Math.min(limit, events.size())));
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        for (Event e : all) {
            if ((from == null || !e.timestamp().isBefore(from)) && (to == null || e.timestamp().isBefore(to))) {
                consumer.accept(e);
            }
        }
    }

    @Override
    public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        Map<String, Long> counts = new HashMap<>();
        for (Event e : all) {
            if (e.itemId() != null && types.contains(e.type()) && (since == null || !e.timestamp().isBefore(since))) {
                counts.merge(e.itemId(), 1L, Long::sum);
            }
        }
        return counts;
    }

    @Override
    public Instant newestTimestamp() {
        return all.isEmpty() ? null : all.get(all.size() - 1).timestamp();
    }
}
