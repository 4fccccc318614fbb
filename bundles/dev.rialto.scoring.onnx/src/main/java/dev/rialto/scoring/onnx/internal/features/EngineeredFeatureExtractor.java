package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Component;

/**
 * Dense engineered features of (user, item): category affinities, buy-again, popularity, price fit, recency.
 * Tens of columns, never one-hot ids (DESIGN.md section 5), so ranker inference stays cheap.
 * <p>
 * {@link #extract} is pure: it reads only the snapshot and the history it is given. Unknown users (empty
 * history) and unknown items get defined values (0, or 0.5 for "no idea" fits), never NaN.
 */
@Component(service = FeatureExtractor.class, property = ServiceProperties.PROVIDER + "=engineered")
public class EngineeredFeatureExtractor implements FeatureExtractor {

    static final Duration RECENT_WINDOW = Duration.ofDays(7);
    static final int RECENT_EVENTS = 10;
    private static final double SECONDS_PER_DAY = 86_400d;

    /** How much an event says about interest. Quantity is ignored on purpose: bulk orders would dominate. */
    static double weight(EventType type) {
        return switch (type) {
            case VIEW, CLICK -> 1d;
            case ADD_TO_CART -> 3d;
            case PURCHASE -> 5d;
            default -> 0.5d;
        };
    }

    @Override
    public List<String> featureNames() {
        return Feature.NAMES;
    }

    @Override
    public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events) {
        return snapshot(items, events, null);
    }

    @Override
    public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events, BehaviourVectors behaviour) {
        Accumulator acc = new Accumulator();
        // forEach, not an iterator: callers may stream events from the store through Iterable.forEach.
        events.forEach(acc);
        return acc.build(items == null ? Map.of() : items, behaviour);
    }

    @Override
    public void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out) {
        extract(user(snapshot, history), itemIds, features, out);
    }

    /**
     * The user's half of {@link #extract}: the aggregates of the history against this snapshot, computed once and
     * reusable for any candidates while the snapshot and the history stay the same (the scorer caches it per
     * user). {@code extract(user(s, h), ...)} fills exactly what {@code extract(s, h, ...)} fills.
     */
    public UserFeatures user(FeatureSnapshot snapshot, List<Event> history) {
        return new UserFeatures(snapshotOf(snapshot), new UserProfile(snapshotOf(snapshot),
                history == null ? List.of() : history));
    }

    private static Snapshot snapshotOf(FeatureSnapshot snapshot) {
        if (!(snapshot instanceof Snapshot s)) {
            throw new IllegalArgumentException("snapshot must come from this extractor's snapshot(), was "
                    + (snapshot == null ? "null" : snapshot.getClass().getName()));
        }
        return s;
    }

    /** The features of the user's candidates from the user's precomputed half ({@link #user}). */
    public void extract(UserFeatures userFeatures, List<String> itemIds, List<String> features, FloatBuffer target) {
        Snapshot s = userFeatures.snapshot;
        UserProfile user = userFeatures.profile;
        Feature[] columns = new Feature[features.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = Feature.byName(features.get(i));
            if (columns[i] == null) {
                throw new IllegalArgumentException("unknown feature '" + features.get(i) + "'; known: " + Feature.NAMES);
            }
        }
        if (target.remaining() < (long) columns.length * itemIds.size()) {
            throw new IllegalArgumentException("out has room for " + target.remaining() + " values, needs "
                    + (long) columns.length * itemIds.size());
        }
        int rows = itemIds.size();
        int width = columns.length;
        // Cells filled column by column in a heap array, then copied into the buffer at once: a direct buffer's
        // checked put per cell cost more than the values.
        Cells out = new Cells(rows * width);
        int base = 0;
        // One index look-up per row (and one in the user's few items); then fill column by column.
        int[] at = new int[rows];
        UserItem[] mine = new UserItem[rows];
        for (int r = 0; r < rows; r++) {
            String itemId = itemIds.get(r);
            at[r] = s.indexOf(itemId);
            mine[r] = itemId == null || user.distinct == 0 ? null
                    : at[r] >= 0 ? user.catalogued(at[r]) : user.others.get(itemId);
        }
        for (int c = 0; c < width; c++) {
            Feature column = columns[c];
            float[] precomputed = s.itemColumns[column.ordinal()];
            int cell = base + c;
            if (precomputed != null) {
                for (int r = 0; r < rows; r++, cell += width) {
                    out.put(cell, at[r] < 0 ? 0f : precomputed[at[r]]);
                }
                continue;
            }
            switch (column) {
                case USER_CATEGORY_AFFINITY -> fillShare(out, cell, width, at, s.topCategoryOf, user.topWeight,
                        user.totalWeight);
                case USER_SUBCATEGORY_AFFINITY -> fillShare(out, cell, width, at, s.categoryOf, user.pathWeight,
                        user.totalWeight);
                case USER_RECENCY_CATEGORY -> fillShare(out, cell, width, at, s.topCategoryOf, user.recentTopWeight,
                        user.recentTotalWeight);
                case USER_ACTIVITY -> {
                    float activity = (float) Math.min(1d, Math.log1p(user.eventCount) / 10d);
                    for (int r = 0; r < rows; r++, cell += width) {
                        out.put(cell, activity);
                    }
                }
                case USER_PRICE_FIT -> {
                    double mean = user.meanLnPrice;
                    for (int r = 0; r < rows; r++, cell += width) {
                        double ln = at[r] < 0 ? Double.NaN : s.lnPriceOf[at[r]];
                        out.put(cell, Double.isNaN(ln) || Double.isNaN(mean) ? 0.5f
                                : (float) (1d / (1d + Math.abs(ln - mean))));
                    }
                }
                case USER_ITEM_AFFINITY, USER_ITEM_PURCHASED, USER_ITEM_RECENCY, USER_ITEM_PURCHASE_DAYS,
                        USER_ITEM_DECAYED_AFFINITY -> {
                    for (int r = 0; r < rows; r++, cell += width) {
                        UserItem u = mine[r];
                        out.put(cell, u == null ? 0f : switch (column) {
                            case USER_ITEM_AFFINITY -> u.affinity;
                            case USER_ITEM_PURCHASED -> u.purchased ? 1f : 0f;
                            case USER_ITEM_PURCHASE_DAYS -> u.purchaseDays;
                            case USER_ITEM_DECAYED_AFFINITY -> u.decayedAffinity;
                            default -> u.recency;
                        });
                    }
                }
                case AD_CREATIVE_CTR, AD_CAMPAIGN_CTR, AD_CREATIVE_IMPRESSIONS, AD_USER_CREATIVE_SEEN -> {
                    for (int r = 0; r < rows; r++, cell += width) {
                        String creative = itemIds.get(r);
                        out.put(cell, switch (column) {
                            case AD_CREATIVE_CTR -> AdStats.logit(s.ads.creativeCtr(creative));
                            case AD_CAMPAIGN_CTR -> AdStats.logit(s.ads.campaignCtr(creative));
                            case AD_CREATIVE_IMPRESSIONS -> (float) (Math.log1p(s.ads.creativeImpressions(creative))
                                    / 20d);
                            default -> (float) (Math.log1p(creative == null ? 0
                                    : user.seenCreative.getOrDefault(creative, 0)) / 10d);
                        });
                    }
                }
                case AD_USER_CTR, AD_USER_IMPRESSIONS -> {
                    float value = column == Feature.AD_USER_CTR
                            ? AdStats.logit(AdStats.smooth(user.adImpressions, user.adClicks, s.ads.globalCtr()))
                            : (float) (Math.log1p(user.adImpressions) / 10d);
                    for (int r = 0; r < rows; r++, cell += width) {
                        out.put(cell, value);
                    }
                }
                case USER_ITEM_REPEAT -> {
                    for (int r = 0; r < rows; r++, cell += width) {
                        UserItem u = mine[r];
                        out.put(cell, u == null || !u.purchased || at[r] < 0 ? 0f : s.repeatRateOf[at[r]]);
                    }
                }
                case USER_ITEM_BEHAVIOUR -> {
                    float[] u = user.behaviourVector(s);
                    for (int r = 0; r < rows; r++, cell += width) {
                        float[] y = u == null || at[r] < 0 ? null : s.behaviour.items[at[r]];
                        out.put(cell, y == null ? 0f : dot(u, y));
                    }
                }
                default -> throw new IllegalStateException("no extraction for " + column);
            }
        }
        target.put(out.values);
    }

    private static float dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        // Finite by contract: a wild fold-in must not feed the model an infinity.
        return Float.isFinite((float) sum) ? (float) sum : 0f;
    }

    /** part[key of the row's item] / total; 0 for an unknown item, an item without that key, or an empty total. */
    private static void fillShare(Cells out, int cell, int width, int[] at, int[] keyOf, double[] part,
            double total) {
        for (int r = 0; r < at.length; r++, cell += width) {
            int key = at[r] < 0 ? -1 : keyOf[at[r]];
            out.put(cell, total <= 0 || key < 0 ? 0f : (float) (part[key] / total));
        }
    }

    /** Row-major cells of one request. */
    private static final class Cells {
        final float[] values;

        Cells(int size) {
            values = new float[size];
        }

        void put(int cell, float value) {
            values[cell] = value;
        }
    }

    /** What the user did with one item. */
    static final class UserItem {
        /** The item's dense index in the snapshot, or -1 when it is not catalogued. */
        final int at;
        double weight;
        Instant lastSeen;
        boolean purchased;
        float affinity;
        float recency;
        /**
         * Distinct UTC days with a purchase: the events arrive newest first, so one item's purchase days never
         * increase and a new day is one that differs from the last counted.
         */
        int dayCount;
        long lastDay;
        float purchaseDays;
        /** Sum of weights halved every {@link #DECAY_HALF_LIFE_SECONDS} before the snapshot's asOf; then the value. */
        double decayed;
        float decayedAffinity;

        UserItem(int at) {
            this.at = at;
        }
    }

    static final double DECAY_HALF_LIFE_SECONDS = 30 * SECONDS_PER_DAY;

    /** Newest first, ties by id. */
    private static final Comparator<Event> NEWEST_FIRST = (a, b) -> {
        int c = b.timestamp().compareTo(a.timestamp());
        return c != 0 ? c : a.id().compareTo(b.id());
    };

    /** log1p(30): a daily re-order over a month saturates user_item_purchase_days. */
    private static final double LOG_PURCHASE_DAYS_CAP = Math.log1p(30);

    /**
     * Per-request aggregates of the user's history, computed once per extract call. One hash look-up per event
     * (the user's item); catalogue look-ups, prices and the behaviour weights are per distinct item.
     */
    static final class UserProfile {
        final int eventCount;
        /** How many distinct items the history names. */
        final int distinct;
        /** The user's items that are not catalogued, by id (usually none); catalogued ones are in the table. */
        final Map<String, UserItem> others;
        final double[] topWeight;
        final double[] pathWeight;
        final double[] recentTopWeight;
        double totalWeight;
        double recentTotalWeight;
        final double meanLnPrice;
        long adImpressions;
        long adClicks;
        final Map<String, Integer> seenCreative = new HashMap<>();
        /** The history's user (every event of a history is the same user's), or null for an empty history. */
        private final String userId;
        /** Catalogued items by dense index: an open-addressing table (keys + 1, 0 = empty), for the candidates. */
        private final int[] keys;
        private final UserItem[] values;
        /**
         * The catalogued distinct items' dense indexes in first-occurrence order (newest first): the behaviour
         * fold-in fills its map in this order as before. Indexes, not ids: a cached profile holds no strings.
         */
        private final int[] order;
        /** The user's behaviour vector ({@link #behaviourVector}), computed on first use; NONE when there is none. */
        private volatile float[] behaviour;
        private static final float[] NONE = new float[0];

        UserProfile(Snapshot s, List<Event> history) {
            eventCount = history.size();
            userId = history.isEmpty() ? null : history.get(0).userId();
            // Per event one look-up of its id in the snapshot's index, then one in a scratch table by dense index;
            // items outside the catalogue (rare) by id.
            int capacity = Integer.highestOneBit(Math.max(1, history.size()) * 2) << 1;
            int[] scratchKeys = new int[capacity];
            UserItem[] scratch = new UserItem[capacity];
            Map<String, UserItem> uncatalogued = Map.of();
            List<UserItem> seen = new ArrayList<>(); // first occurrence first
            topWeight = new double[s.topCategories];
            pathWeight = new double[s.categories];
            recentTopWeight = new double[s.topCategories];
            // Newest first, ties by id: the order callers pass must not change the features.
            List<Event> events = newestFirst(history);
            Instant newest = s.asOf();
            long asOfSecond = s.asOf().getEpochSecond();
            int recentSeen = 0;
            for (Event e : events) {
                Instant at = e.timestamp();
                if (at.isAfter(newest)) {
                    newest = at;
                }
                if (e.type() == EventType.IMPRESSION && e.context().creative() != null) {
                    adImpressions++;
                    seenCreative.merge(e.context().creative(), 1, Integer::sum);
                } else if (e.type() == EventType.AD_CLICK && e.context().creative() != null) {
                    adClicks++;
                }
                String itemId = e.itemId();
                if (itemId == null) {
                    continue;
                }
                double w = weight(e.type());
                int index = s.indexOf(itemId);
                UserItem mine;
                if (index >= 0) {
                    int slot = slot(scratchKeys, index);
                    mine = scratch[slot];
                    if (mine == null) {
                        mine = new UserItem(index);
                        scratchKeys[slot] = index + 1;
                        scratch[slot] = mine;
                        seen.add(mine);
                    }
                } else {
                    mine = uncatalogued.get(itemId);
                    if (mine == null) {
                        mine = new UserItem(-1);
                        if (uncatalogued.isEmpty()) {
                            uncatalogued = new HashMap<>();
                        }
                        uncatalogued.put(itemId, mine);
                        seen.add(mine);
                    }
                }
                mine.weight += w;
                mine.decayed += w * Math.pow(0.5, (asOfSecond - at.getEpochSecond()) / DECAY_HALF_LIFE_SECONDS);
                if (mine.lastSeen == null || at.isAfter(mine.lastSeen)) {
                    mine.lastSeen = at;
                }
                if (e.type() == EventType.PURCHASE) {
                    mine.purchased = true;
                    long day = Math.floorDiv(at.getEpochSecond(), (long) SECONDS_PER_DAY);
                    if (mine.dayCount == 0 || day != mine.lastDay) {
                        mine.dayCount++;
                        mine.lastDay = day;
                    }
                }
                totalWeight += w;
                boolean recent = recentSeen++ < RECENT_EVENTS;
                if (recent) {
                    recentTotalWeight += w;
                }
                if (mine.at < 0) {
                    continue;
                }
                int top = s.topCategoryOf[mine.at];
                if (top >= 0) {
                    topWeight[top] += w;
                    int path = s.categoryOf[mine.at];
                    if (path >= 0) {
                        pathWeight[path] += w;
                    }
                    if (recent) {
                        recentTopWeight[top] += w;
                    }
                }
            }
            // The mean over distinct priced items, summed in the order of a HashMap filled in first-occurrence
            // order (as the per-event map was), so it keeps its exact bits.
            Map<String, Double> distinctLnPrice = new HashMap<>();
            int catalogued = 0;
            for (UserItem mine : seen) {
                int at = mine.at;
                if (at >= 0) {
                    catalogued++;
                    if (!Double.isNaN(s.lnPriceOf[at])) {
                        distinctLnPrice.put(s.idOf[at], s.lnPriceOf[at]);
                    }
                }
            }
            meanLnPrice = distinctLnPrice.isEmpty() ? Double.NaN
                    : distinctLnPrice.values().stream().mapToDouble(Double::doubleValue).sum() / distinctLnPrice.size();
            distinct = seen.size();
            order = new int[catalogued];
            int next = 0;
            for (UserItem mine : seen) {
                if (mine.at >= 0) {
                    order[next++] = mine.at;
                }
            }
            others = uncatalogued;
            keys = new int[Integer.highestOneBit(Math.max(1, catalogued) * 2) << 1];
            values = new UserItem[keys.length];
            for (UserItem mine : seen) {
                mine.affinity = (float) Math.log1p(mine.weight);
                double days = Math.max(0, Duration.between(mine.lastSeen, newest).getSeconds()) / SECONDS_PER_DAY;
                mine.recency = (float) (1d / (1d + days));
                // Re-based from asOf to the newest of asOf and the history (one factor for every item).
                mine.decayedAffinity = (float) Math.log1p(mine.decayed * Math.pow(0.5,
                        Math.max(0, newest.getEpochSecond() - asOfSecond) / DECAY_HALF_LIFE_SECONDS));
                mine.purchaseDays = mine.dayCount == 0 ? 0f
                        : (float) Math.min(1d, Math.log1p(mine.dayCount) / LOG_PURCHASE_DAYS_CAP);
                if (mine.at >= 0) {
                    int slot = slot(keys, mine.at);
                    keys[slot] = mine.at + 1;
                    values[slot] = mine;
                }
            }
        }

        /** The history newest first, ties by id: the list itself when it is in that order already (the store's). */
        private static List<Event> newestFirst(List<Event> history) {
            for (int i = 1; i < history.size(); i++) {
                if (NEWEST_FIRST.compare(history.get(i - 1), history.get(i)) > 0) {
                    List<Event> sorted = new ArrayList<>(history);
                    sorted.sort(NEWEST_FIRST);
                    return sorted;
                }
            }
            return history;
        }

        /** The slot of this dense index in an open-addressing table of indexes + 1 (0 = empty). */
        private static int slot(int[] keys, int at) {
            int mask = keys.length - 1;
            // Fibonacci hashing: the product's top bits (its low bits mix only the index's low bits).
            int slot = (at * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(keys.length) + 1;
            while (keys[slot] != 0 && keys[slot] != at + 1) {
                slot = slot + 1 & mask;
            }
            return slot;
        }

        /** What the user did with the catalogued item at this dense index, or null. */
        UserItem catalogued(int at) {
            return values[slot(keys, at)];
        }

        /** Catalogued item id to the summed weight, for the behaviour fold-in. */
        private Map<String, Double> indexWeights(Snapshot s) {
            // The same additions in the same order as summing per event, into a map filled in the same order.
            Map<String, Double> out = new HashMap<>();
            for (int at : order) {
                out.put(s.idOf[at], catalogued(at).weight);
            }
            return out;
        }

        /**
         * The user's trained behaviour vector, else one folded in from the history, else null; computed once per
         * profile (a race computes the same vector twice, harmlessly).
         */
        float[] behaviourVector(Snapshot s) {
            if (s.behaviour == null) {
                return null;
            }
            float[] known = behaviour;
            if (known == null) {
                float[] trained = s.behaviour.trained(userId);
                if (trained == null) {
                    Map<String, Double> weights = indexWeights(s);
                    trained = weights.isEmpty() ? null : s.behaviour.foldIn(weights);
                }
                known = trained == null ? NONE : trained;
                behaviour = known;
            }
            return known == NONE ? null : known;
        }

        /** A rough count of the bytes this profile holds (object headers, arrays, table), for the cache's budget. */
        long approximateBytes() {
            return 160 + 8L * (topWeight.length + pathWeight.length + recentTopWeight.length)
                    + 12L * keys.length + 104L * order.length + 200L * others.size()
                    + 120L * seenCreative.size() + (userId == null ? 0 : 40 + 2L * userId.length());
        }
    }

    /** Streams events once; keeps item events in primitive arrays so the 7-day window can be cut at the end. */
    private static final class Accumulator implements Consumer<Event> {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> ids = new ArrayList<>();
        private int[] itemOf = new int[1024];
        private long[] secondOf = new long[1024];
        private float[] weightOf = new float[1024];
        private int n;
        private long count;
        private Instant newest;
        private final AdStats ads = new AdStats();

        @Override
        public void accept(Event e) {
            count++;
            ads.accept(e);
            if (newest == null || e.timestamp().isAfter(newest)) {
                newest = e.timestamp();
            }
            if (e.itemId() == null) {
                return;
            }
            if (n == itemOf.length) {
                int size = n * 2;
                itemOf = Arrays.copyOf(itemOf, size);
                secondOf = Arrays.copyOf(secondOf, size);
                weightOf = Arrays.copyOf(weightOf, size);
            }
            itemOf[n] = index.computeIfAbsent(e.itemId(), id -> {
                ids.add(id);
                return ids.size() - 1;
            });
            secondOf[n] = e.timestamp().getEpochSecond();
            weightOf[n] = (float) weight(e.type());
            if (e.type() == EventType.PURCHASE && e.userId() != null) {
                purchase(e.userId(), itemOf[n], Math.floorDiv(secondOf[n], 86_400L));
            }
            n++;
        }

        /**
         * Per (user, item) purchase pair: its first day, and whether another day was seen; order-independent,
         * so a store streaming events in any order gives the same repeat rates.
         */
        private final Map<Long, long[]> pairs = new HashMap<>();
        private final Map<String, Integer> users = new HashMap<>();

        private void purchase(String user, int item, long day) {
            int u = users.computeIfAbsent(user, k -> users.size());
            long[] pair = pairs.get(((long) u << 32) | item);
            if (pair == null) {
                pairs.put(((long) u << 32) | item, new long[] {day, 0});
            } else if (pair[0] != day) {
                pair[1] = 1;
            }
        }

        /** item index to {buyers, repeat buyers}. */
        private int[][] buyers() {
            int[][] out = new int[ids.size()][2];
            pairs.forEach((key, pair) -> {
                int item = (int) (key & 0xffffffffL);
                out[item][0]++;
                out[item][1] += (int) pair[1];
            });
            return out;
        }

        Snapshot build(Map<String, Item> catalogue, BehaviourVectors behaviour) {
            Instant asOf = newest == null ? Instant.EPOCH : newest;
            long recentAfter = asOf.minus(RECENT_WINDOW).getEpochSecond();
            double[] weight = new double[ids.size()];
            double[] recent = new double[ids.size()];
            double total = 0;
            for (int i = 0; i < n; i++) {
                weight[itemOf[i]] += weightOf[i];
                total += weightOf[i];
                if (secondOf[i] > recentAfter) {
                    recent[itemOf[i]] += weightOf[i];
                }
            }
            double maxWeight = 0;
            double maxRecent = 0;
            Map<String, Double> categoryWeight = new HashMap<>();
            Map<String, Snapshot.ItemStats> stats = new HashMap<>(catalogue.size() * 2);
            int[][] buyers = buyers();
            for (Item item : catalogue.values()) {
                Integer at = index.get(item.id());
                double w = at == null ? 0 : weight[at];
                double r = at == null ? 0 : recent[at];
                double price = item.price() == null ? Double.NaN : item.price().doubleValue();
                double lnPrice = price > 0 ? Math.log(price) : Double.NaN;
                double repeat = at == null ? 0 : buyers[at][1] / (buyers[at][0] + 1d);
                stats.put(item.id(), new Snapshot.ItemStats(item.topCategory(), item.category(), price, lnPrice,
                        item.available(), w, r, repeat));
                if (!item.topCategory().isEmpty() && w > 0) {
                    categoryWeight.merge(item.topCategory(), w, Double::sum);
                }
            }
            // The maxima run over every item with events, catalogued or not, so they do not jump when an item
            // is deleted from the catalogue.
            for (int i = 0; i < weight.length; i++) {
                maxWeight = Math.max(maxWeight, weight[i]);
                maxRecent = Math.max(maxRecent, recent[i]);
            }
            return new Snapshot(stats, categoryWeight, total, maxWeight, maxRecent, asOf, count, ads,
                    behaviour);
        }
    }
}
