package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small but meaningful stand-in for the scoring bundle's extractor: the user's affinity to the item's category,
 * item popularity, whether the user saw the item before, and price. The names are deliberately not in sorted
 * order, so the tests see that the card follows Tribuo's column order and not this one.
 */
final class TasteExtractor implements FeatureExtractor {
    static final List<String> NAMES = List.of("user_category_affinity", "item_popularity", "user_item_seen",
            "item_price");

    record Snapshot(Instant asOf, long eventCount, Map<String, Item> items, Map<String, Integer> counts, int max)
            implements FeatureSnapshot {
    }

    volatile RuntimeException failWith;

    @Override
    public List<String> featureNames() {
        return NAMES;
    }

    @Override
    public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events) {
        if (failWith != null) {
            throw failWith;
        }
        Map<String, Integer> counts = new HashMap<>();
        Instant asOf = Instant.EPOCH;
        long n = 0;
        for (Event e : events) {
            n++;
            asOf = e.timestamp().isAfter(asOf) ? e.timestamp() : asOf;
            if (e.itemId() != null) {
                counts.merge(e.itemId(), 1, Integer::sum);
            }
        }
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        return new Snapshot(asOf, n, items, counts, max);
    }

    @Override
    public void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out) {
        Snapshot s = (Snapshot) snapshot;
        Map<String, Integer> categories = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Event e : history) {
            if (e.timestamp().isAfter(s.asOf())) {
                throw new IllegalArgumentException("history looks past the snapshot");
            }
            Item item = e.itemId() == null ? null : s.items().get(e.itemId());
            if (item != null) {
                categories.merge(item.topCategory(), 1, Integer::sum);
                seen.add(item.id());
                total++;
            }
        }
        double logMax = Math.log1p(s.max());
        for (String id : itemIds) {
            Item item = s.items().get(id);
            for (String f : features) {
                float v = switch (f) {
                    case "user_category_affinity" -> item == null || total == 0 ? 0f
                            : categories.getOrDefault(item.topCategory(), 0) / (float) total;
                    case "item_popularity" -> (float) (Math.log1p(s.counts().getOrDefault(id, 0)) / logMax);
                    case "user_item_seen" -> seen.contains(id) ? 1f : 0f;
                    case "item_price" -> item == null || item.price() == null ? 0f : item.price().floatValue() / 100f;
                    default -> throw new IllegalArgumentException("unknown feature " + f);
                };
                out.put(v);
            }
        }
    }
}
