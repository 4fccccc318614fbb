package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * What the scorer feeds a ranker of the indexed layout (card {@code signature.layout} {@value #LAYOUT},
 * docs/model-card.md): the graph assembles each candidate's feature row itself,
 * {@code Concat(item_values[candidates], user_values[item_keys[candidates]], item_vectors[candidates] x
 * user_vector, user_items)}, from
 * <ul>
 *   <li>per snapshot ({@link Tables}, built once): {@code item_values} [items + 1, 7] (the item-only columns),
 *       {@code item_keys} [items + 1] (each item's category key: its (top category, category path) pair) and
 *       {@code item_vectors} [items + 1, d], row 0 standing for any item the snapshot does not know;</li>
 *   <li>per user (kept with the user's cached aggregates): {@code user_values} [keys + 1, 4] (the user's category
 *       shares per key, and the activity) and {@code user_vector} [d, 1] (the behaviour vector);</li>
 *   <li>per request: {@code candidates} (each candidate's row) and {@code user_items} [N, 7] (what the user did
 *       with each candidate, zeros for most, and the price fit).</li>
 * </ul>
 * Every value is the float the extractor fills ({@link EngineeredFeatureExtractor#extract}), from the same
 * expressions; only user_item_behaviour is computed by the graph (float32 where the extractor sums in double).
 * The trainer's {@code IndexedGraph} (dev.rialto.training) builds the graph from the same column lists; the
 * registry refuses a card whose lists differ.
 */
public final class IndexedLayout {
    public static final String LAYOUT = "indexed/1";

    public static final String CANDIDATE_INDEX = "candidate_index";
    public static final String ITEM_VALUES = "item_values";
    public static final String ITEM_KEYS = "item_keys";
    public static final String ITEM_VECTORS = "item_vectors";
    public static final String USER_VALUES = "user_values";
    public static final String USER_VECTOR = "user_vector";
    public static final String USER_ITEMS = "user_items";

    /** Every input the layout has, by its card {@code feature}, in the order the card lists them. */
    public static final List<String> INPUTS = List.of(CANDIDATE_INDEX, ITEM_VALUES, ITEM_KEYS, ITEM_VECTORS,
            USER_VALUES, USER_VECTOR, USER_ITEMS);

    public static final List<String> ITEM_VALUE_COLUMNS = List.of("item_popularity", "item_recent_popularity",
            "category_popularity", "item_price_log", "item_available", "item_known", "item_repeat_rate");
    public static final List<String> USER_VALUE_COLUMNS = List.of("user_category_affinity",
            "user_subcategory_affinity", "user_recency_category", "user_activity");
    public static final List<String> USER_ITEM_COLUMNS = List.of("user_item_affinity", "user_item_purchased",
            "user_item_recency", "user_item_purchase_days", "user_item_decayed_affinity", "user_item_repeat",
            "user_price_fit");

    /** The features a graph of this layout can assemble (its card's {@code signature.features} are among them). */
    public static final List<String> FEATURES;

    static {
        List<String> all = new java.util.ArrayList<>(ITEM_VALUE_COLUMNS);
        all.addAll(USER_VALUE_COLUMNS);
        all.add("user_item_behaviour");
        all.addAll(USER_ITEM_COLUMNS);
        FEATURES = List.copyOf(all);
    }

    /** The expected shape of each input, in {@link #INPUTS} order; -1 is any length. */
    public static final List<List<Long>> SHAPES = List.of(List.of(-1L), List.of(-1L, 7L), List.of(-1L),
            List.of(-1L, -1L), List.of(-1L, 4L), List.of(-1L, 1L), List.of(-1L, 7L));

    private static final Feature[] ITEM_ONLY = {Feature.ITEM_POPULARITY, Feature.ITEM_RECENT_POPULARITY,
            Feature.CATEGORY_POPULARITY, Feature.ITEM_PRICE_LOG, Feature.ITEM_AVAILABLE, Feature.ITEM_KNOWN,
            Feature.ITEM_REPEAT_RATE};

    private IndexedLayout() {
    }

    /** The per-snapshot tables, row-major; row {@code at + 1} is the item at dense index {@code at}. */
    public static final class Tables {
        public final int rows;
        public final float[] itemValues;
        public final long[] itemKeys;
        public final float[] itemVectors;
        /** The behaviour vectors' length (1 and all zeros when the snapshot has none). */
        public final int dimension;
        /** How many rows every user's user_values has: the category keys + 1 (row 0: no category). */
        public final int keys;
        /** Per key row: its top category and category path numbers, -1 for none. */
        final int[] keyTop;
        final int[] keyPath;

        private Tables(Snapshot s) {
            int n = s.idOf.length;
            rows = n + 1;
            int values = ITEM_VALUE_COLUMNS.size();
            itemValues = new float[rows * values];
            itemKeys = new long[rows];
            dimension = s.behaviour == null ? 1 : s.behaviour.dimension;
            itemVectors = new float[rows * dimension];
            java.util.Map<Long, Integer> byPair = new java.util.HashMap<>();
            List<int[]> pairs = new java.util.ArrayList<>();
            pairs.add(new int[] {-1, -1});
            for (int at = 0; at < n; at++) {
                int row = at + 1;
                for (int c = 0; c < ITEM_ONLY.length; c++) {
                    itemValues[row * values + c] = s.itemColumns[ITEM_ONLY[c].ordinal()][at];
                }
                int top = s.topCategoryOf[at];
                int path = s.categoryOf[at];
                if (top >= 0 || path >= 0) {
                    long pair = ((long) top << 32) ^ (path & 0xffffffffL);
                    Integer key = byPair.get(pair);
                    if (key == null) {
                        key = pairs.size();
                        byPair.put(pair, key);
                        pairs.add(new int[] {top, path});
                    }
                    itemKeys[row] = key;
                }
                float[] vector = s.behaviour == null ? null : s.behaviour.items[at];
                if (vector != null && vector.length == dimension) {
                    System.arraycopy(vector, 0, itemVectors, row * dimension, dimension);
                }
            }
            keys = pairs.size();
            keyTop = new int[keys];
            keyPath = new int[keys];
            for (int k = 0; k < keys; k++) {
                keyTop[k] = pairs.get(k)[0];
                keyPath[k] = pairs.get(k)[1];
            }
        }
    }

    /** The snapshot's tables, built on first use and kept with the snapshot. */
    public static Tables tables(FeatureSnapshot snapshot) {
        Snapshot s = snapshot(snapshot);
        Tables t = s.indexedTables;
        if (t == null) {
            t = new Tables(s);
            s.indexedTables = t; // a race builds the same tables twice, harmlessly
        }
        return t;
    }

    /** The user's user_values ({@link Tables#keys} rows of 4), computed once per aggregates. */
    public static float[] userValues(UserFeatures user) {
        float[] out = user.indexedValues;
        if (out != null) {
            return out;
        }
        Tables t = tables(user.snapshot);
        EngineeredFeatureExtractor.UserProfile p = user.profile;
        int width = USER_VALUE_COLUMNS.size();
        out = new float[t.keys * width];
        // The extractor's expressions (fillShare, USER_ACTIVITY), so the gathered floats are its floats.
        float activity = (float) Math.min(1d, Math.log1p(p.eventCount) / 10d);
        for (int k = 0; k < t.keys; k++) {
            int top = t.keyTop[k];
            int path = t.keyPath[k];
            out[k * width] = p.totalWeight <= 0 || top < 0 ? 0f : (float) (p.topWeight[top] / p.totalWeight);
            out[k * width + 1] = p.totalWeight <= 0 || path < 0 ? 0f : (float) (p.pathWeight[path] / p.totalWeight);
            out[k * width + 2] = p.recentTotalWeight <= 0 || top < 0 ? 0f
                    : (float) (p.recentTopWeight[top] / p.recentTotalWeight);
            out[k * width + 3] = activity;
        }
        user.indexedValues = out;
        return out;
    }

    /**
     * The user's behaviour vector as user_vector ({@link Tables#dimension} values): zeros when the user has none,
     * or when it is not finite (the extractor scores such a user's every behaviour dot product as 0).
     */
    public static float[] userVector(UserFeatures user) {
        float[] out = user.indexedVector;
        if (out != null) {
            return out;
        }
        Snapshot s = user.snapshot;
        float[] u = user.profile.behaviourVector(s);
        int dimension = s.behaviour == null ? 1 : s.behaviour.dimension;
        out = new float[dimension];
        if (u != null && u.length == dimension) {
            boolean finite = true;
            for (float v : u) {
                finite &= Float.isFinite(v);
            }
            if (finite) {
                System.arraycopy(u, 0, out, 0, dimension);
            }
        }
        user.indexedVector = out;
        return out;
    }

    /** A candidate's row in the tables: 0 for an item the snapshot does not know. */
    public static long row(int denseIndex) {
        return denseIndex + 1L;
    }

    /**
     * Fills user_items for the candidates at these dense indexes (-1: not catalogued; then {@code ids}, when
     * given, names the item, as the user may have events on an item no longer in the catalogue).
     *
     * @param out {@code at.length * 7} cells, zeros on entry
     */
    public static void userItems(UserFeatures user, int[] at, List<String> ids, float[] out) {
        userItems(user, at, ids, FloatBuffer.wrap(out));
    }

    /**
     * {@link #userItems(UserFeatures, int[], List, float[])} into a buffer, every cell written (zeros included)
     * by absolute index from 0: the scorer writes a reused direct buffer that a tensor reads in place.
     */
    public static void userItems(UserFeatures user, int[] at, List<String> ids, FloatBuffer out) {
        EngineeredFeatureExtractor.UserProfile p = user.profile;
        Snapshot s = user.snapshot;
        int width = USER_ITEM_COLUMNS.size();
        double mean = p.meanLnPrice;
        boolean any = p.distinct > 0;
        for (int r = 0, cell = 0; r < at.length; r++, cell += width) {
            int index = at[r];
            // USER_PRICE_FIT as the extractor computes it.
            double ln = index < 0 ? Double.NaN : s.lnPriceOf[index];
            float priceFit = Double.isNaN(ln) || Double.isNaN(mean) ? 0.5f : (float) (1d / (1d + Math.abs(ln - mean)));
            EngineeredFeatureExtractor.UserItem u = !any ? null : index >= 0 ? p.catalogued(index)
                    : ids == null || ids.get(r) == null ? null : p.others.get(ids.get(r));
            if (u == null) {
                out.put(cell, 0f).put(cell + 1, 0f).put(cell + 2, 0f).put(cell + 3, 0f).put(cell + 4, 0f)
                        .put(cell + 5, 0f).put(cell + 6, priceFit);
                continue;
            }
            out.put(cell, u.affinity);
            out.put(cell + 1, u.purchased ? 1f : 0f);
            out.put(cell + 2, p.recency(u));
            out.put(cell + 3, u.purchaseDays);
            out.put(cell + 4, p.decayedAffinity(u));
            out.put(cell + 5, u.purchased && index >= 0 ? s.repeatRateOf[index] : 0f);
            out.put(cell + 6, priceFit);
        }
    }

    /** The snapshot's dense index of an item, or -1. */
    public static int indexOf(FeatureSnapshot snapshot, String itemId) {
        return snapshot(snapshot).indexOf(itemId);
    }

    private static Snapshot snapshot(FeatureSnapshot snapshot) {
        if (!(snapshot instanceof Snapshot s)) {
            throw new IllegalArgumentException("snapshot must come from the engineered extractor, was "
                    + (snapshot == null ? "null" : snapshot.getClass().getName()));
        }
        return s;
    }
}
