package dev.rialto.retrieval.lucene.internal.sources;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;

/** What sources read from a user's recent events. */
public final class UserHistory {

    private static final double MILLIS_PER_DAY = 86_400_000d;

    private UserHistory() {
    }

    /** Items the user bought among their {@code lookback} newest events. */
    public static Set<String> purchased(EventRepository events, String userId, int lookback) {
        if (userId == null) {
            return Set.of();
        }
        Set<String> bought = new HashSet<>();
        for (Event e : events.recentForUser(userId, lookback)) {
            if (e.type() == EventType.PURCHASE && e.itemId() != null) {
                bought.add(e.itemId());
            }
        }
        return bought;
    }

    /**
     * Weight per item: the sum over the user's events of the type's weight times a recency decay that halves
     * every {@code halfLifeDays} before the user's newest event (not before now, so old data sets still work).
     * Ordered by weight, heaviest first.
     */
    public static Map<String, Double> itemWeights(List<Event> recent, Map<EventType, Double> typeWeights,
            double halfLifeDays) {
        Instant newest = null;
        for (Event e : recent) {
            if (newest == null || e.timestamp().isAfter(newest)) {
                newest = e.timestamp();
            }
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Event e : recent) {
            Double w = typeWeights.get(e.type());
            if (e.itemId() == null || w == null || w <= 0) {
                continue;
            }
            double ageDays = (newest.toEpochMilli() - e.timestamp().toEpochMilli()) / MILLIS_PER_DAY;
            weights.merge(e.itemId(), w * Math.pow(0.5, ageDays / halfLifeDays), Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        weights.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(en -> sorted.put(en.getKey(), en.getValue()));
        return sorted;
    }
}
