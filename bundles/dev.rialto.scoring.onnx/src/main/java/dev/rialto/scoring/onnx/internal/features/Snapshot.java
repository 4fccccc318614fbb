package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.ItemNumbering;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Immutable catalogue statistics. Maps are built once by {@link EngineeredFeatureExtractor#snapshot} and never
 * changed afterwards, so reads need no locking.
 * <p>
 * The item-only feature columns are precomputed here once, as arrays over a dense item index, so a request
 * computes only the user-dependent columns (DESIGN.md: the scorer's feature path is the hot path).
 */
final class Snapshot implements FeatureSnapshot, ItemNumbering {

    /** What the features need of an item; {@code lnPrice} is NaN when the price is unknown or zero. */
    record ItemStats(String topCategory, String category, double price, double lnPrice, boolean available,
            double weight, double recentWeight, double repeatRate) {
    }

    final Map<String, ItemStats> items;
    final Map<String, Double> categoryWeight;
    final double totalWeight;
    final double logMaxItemWeight;
    final double logMaxRecentWeight;
    private final Instant asOf;
    /** asOf's epoch second and nano, for the user aggregates' primitive arithmetic. */
    final long asOfSecond;
    final int asOfNano;
    private final long eventCount;
    /** Ad impression and click counts; never changed after the build. */
    final AdStats ads;

    /** Dense index of every catalogued item; arrays below are indexed by it. */
    private final IdIndex index;
    /** Per {@link Feature#ordinal()}: the column's value per item when it depends on the item only, else null. */
    final float[][] itemColumns = new float[Feature.values().length][];
    /** The item id at each dense index. */
    final String[] idOf;
    /** Dense top-category / category-path number per item, -1 for none. */
    final int[] topCategoryOf;
    final int[] categoryOf;
    final int topCategories;
    final int categories;
    final double[] lnPriceOf;
    /** item_repeat_rate per dense item index. */
    final float[] repeatRateOf;
    /** Behaviour vectors, or null when none were given; see {@link Behaviour}. */
    final Behaviour behaviour;

    Snapshot(Map<String, ItemStats> items, Map<String, Double> categoryWeight, double totalWeight,
            double maxItemWeight, double maxRecentWeight, Instant asOf, long eventCount) {
        this(items, categoryWeight, totalWeight, maxItemWeight, maxRecentWeight, asOf, eventCount, new AdStats(),
                null);
    }

    Snapshot(Map<String, ItemStats> items, Map<String, Double> categoryWeight, double totalWeight,
            double maxItemWeight, double maxRecentWeight, Instant asOf, long eventCount, AdStats ads,
            BehaviourVectors vectors) {
        this.ads = ads;
        this.items = Map.copyOf(items);
        this.categoryWeight = Map.copyOf(categoryWeight);
        this.totalWeight = totalWeight;
        this.logMaxItemWeight = Math.log1p(maxItemWeight);
        this.logMaxRecentWeight = Math.log1p(maxRecentWeight);
        this.asOf = asOf;
        this.asOfSecond = this.asOf.getEpochSecond();
        this.asOfNano = this.asOf.getNano();
        this.eventCount = eventCount;

        int n = this.items.size();
        idOf = new String[n];
        topCategoryOf = new int[n];
        categoryOf = new int[n];
        lnPriceOf = new double[n];
        Map<String, Integer> tops = new HashMap<>();
        Map<String, Integer> paths = new HashMap<>();
        float[] popularity = new float[n];
        float[] recent = new float[n];
        float[] categoryPopularity = new float[n];
        float[] priceLog = new float[n];
        float[] available = new float[n];
        float[] known = new float[n];
        repeatRateOf = new float[n];
        int i = 0;
        for (Map.Entry<String, ItemStats> entry : this.items.entrySet()) {
            ItemStats item = entry.getValue();
            idOf[i] = entry.getKey();
            String top = item.topCategory();
            topCategoryOf[i] = top.isEmpty() ? -1 : tops.computeIfAbsent(top, k -> tops.size());
            categoryOf[i] = item.category().isEmpty() ? -1 : paths.computeIfAbsent(item.category(), k -> paths.size());
            lnPriceOf[i] = item.lnPrice();
            // Same expressions as the per-row formulas they replace, so the floats are bit for bit the same.
            popularity[i] = logMaxItemWeight == 0 ? 0 : (float) (Math.log1p(item.weight()) / logMaxItemWeight);
            recent[i] = logMaxRecentWeight == 0 ? 0 : (float) (Math.log1p(item.recentWeight()) / logMaxRecentWeight);
            categoryPopularity[i] = totalWeight <= 0 || top.isEmpty() ? 0
                    : (float) (this.categoryWeight.getOrDefault(top, 0d) / totalWeight);
            priceLog[i] = Double.isNaN(item.price()) ? 0 : (float) (Math.log1p(item.price()) / 10d);
            available[i] = item.available() ? 1 : 0;
            known[i] = 1;
            repeatRateOf[i] = (float) item.repeatRate();
            i++;
        }
        index = new IdIndex(idOf);
        topCategories = tops.size();
        categories = paths.size();
        itemColumns[Feature.ITEM_POPULARITY.ordinal()] = popularity;
        itemColumns[Feature.ITEM_RECENT_POPULARITY.ordinal()] = recent;
        itemColumns[Feature.CATEGORY_POPULARITY.ordinal()] = categoryPopularity;
        itemColumns[Feature.ITEM_PRICE_LOG.ordinal()] = priceLog;
        itemColumns[Feature.ITEM_AVAILABLE.ordinal()] = available;
        itemColumns[Feature.ITEM_KNOWN.ordinal()] = known;
        itemColumns[Feature.ITEM_REPEAT_RATE.ordinal()] = repeatRateOf;
        behaviour = vectors == null ? null : new Behaviour(vectors, idOf);
    }

    /** The indexed layout's tables ({@link IndexedLayout#tables}), built on first use. */
    volatile IndexedLayout.Tables indexedTables;

    /** The item's dense index, or -1 when it is not catalogued: the numbering scorers answer indexed calls in. */
    @Override
    public int indexOf(String itemId) {
        return index.get(itemId);
    }

    @Override
    public int size() {
        return idOf.length;
    }

    @Override
    public String itemId(int index) {
        return idOf[index];
    }

    @Override
    public Instant asOf() {
        return asOf;
    }

    @Override
    public long eventCount() {
        return eventCount;
    }

    /** {@code model@version} of the behaviour vectors, or null. */
    String behaviourLabel() {
        return behaviour == null ? null : behaviour.label;
    }

    @Override
    public String toString() {
        return "FeatureSnapshot[items=" + items.size() + ", events=" + eventCount + ", asOf=" + asOf
                + (behaviour == null ? "" : ", behaviour=" + behaviour.label) + "]";
    }
}
