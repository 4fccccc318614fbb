package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.scoring.FeatureSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * Immutable catalogue statistics. Maps are built once by {@link EngineeredFeatureExtractor#snapshot} and never
 * changed afterwards, so reads need no locking.
 */
final class Snapshot implements FeatureSnapshot {

    /** What the features need of an item; {@code lnPrice} is NaN when the price is unknown or zero. */
    record ItemStats(String topCategory, String category, double price, double lnPrice, boolean available,
            double weight, double recentWeight) {
    }

    final Map<String, ItemStats> items;
    final Map<String, Double> categoryWeight;
    final double totalWeight;
    final double logMaxItemWeight;
    final double logMaxRecentWeight;
    private final Instant asOf;
    private final long eventCount;

    Snapshot(Map<String, ItemStats> items, Map<String, Double> categoryWeight, double totalWeight,
            double maxItemWeight, double maxRecentWeight, Instant asOf, long eventCount) {
        this.items = Map.copyOf(items);
        this.categoryWeight = Map.copyOf(categoryWeight);
        this.totalWeight = totalWeight;
        this.logMaxItemWeight = Math.log1p(maxItemWeight);
        this.logMaxRecentWeight = Math.log1p(maxRecentWeight);
        this.asOf = asOf;
        this.eventCount = eventCount;
    }

    @Override
    public Instant asOf() {
        return asOf;
    }

    @Override
    public long eventCount() {
        return eventCount;
    }

    @Override
    public String toString() {
        return "FeatureSnapshot[items=" + items.size() + ", events=" + eventCount + ", asOf=" + asOf + "]";
    }
}
