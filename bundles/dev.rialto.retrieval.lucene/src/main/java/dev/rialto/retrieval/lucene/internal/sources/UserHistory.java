package dev.rialto.retrieval.lucene.internal.sources;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

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

    /**
     * The top {@code top} top-level categories of the weighted items (from {@link #itemWeights}), as shares summing
     * to 1, largest first. Items that are not indexed or have no category are ignored.
     */
    public static Map<String, Double> topCategories(ItemIndex index, Map<String, Double> itemWeights, int top) {
        if (itemWeights.isEmpty()) {
            return Map.of();
        }
        Map<String, IndexedItem> items = index.lookup(itemWeights.keySet());
        Map<String, Double> byCategory = new HashMap<>();
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            IndexedItem item = items.get(e.getKey());
            if (item != null && !item.topCategory().isEmpty()) {
                byCategory.merge(item.topCategory(), e.getValue(), Double::sum);
            }
        }
        List<Map.Entry<String, Double>> best = byCategory.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(top).toList();
        double sum = best.stream().mapToDouble(Map.Entry::getValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : best) {
            shares.put(e.getKey(), e.getValue() / sum);
        }
        return shares;
    }
}
