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
        return user(snapshot, history, false);
    }

    /**
     * {@link #user(FeatureSnapshot, List)}; with {@code updatable}, the aggregates also keep the history's window
     * (about 25 bytes per event) so that {@link #withEvents} can bring them up to date without the store.
     */
    public UserFeatures user(FeatureSnapshot snapshot, List<Event> history, boolean updatable) {
        Snapshot s = snapshotOf(snapshot);
        return new UserFeatures(s, new UserProfile(s, Window.of(s,
                UserProfile.newestFirst(history == null ? List.of() : history)), updatable));
    }

    /**
     * The user's aggregates after new events of theirs were stored: exactly (bit for bit) what {@link #user} would
     * compute from the store's answer of the newest {@code limit} events then, computed from the window the
     * aggregates kept instead of a store read (one catalogue look-up per new event, then one pass over the window's
     * primitive columns). Null when {@code before} kept no window, or when the store's answer cannot be told
     * without the events' ids (a new event at the exact time of one already held, which is also how an event
     * already aggregated shows, or at the oldest held time of a full window): then compute them afresh.
     *
     * @param added the user's new events, in any order
     * @param limit the history length {@code before} was computed with (the store read's limit)
     */
    public UserFeatures withEvents(UserFeatures before, List<Event> added, int limit) {
        UserProfile after = before.profile.with(before.snapshot, added, limit);
        return after == null ? null : new UserFeatures(before.snapshot, after);
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
        /** The newest event's time on this item (epoch second and nano), as the aggregation goes. */
        long lastSecond = Long.MIN_VALUE;
        int lastNano;
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

    /** Fixed-point scale of the user's mean log price: 2^-32 of a log unit, exact sums of up to 2^24 items. */
    static final double LN_PRICE_SCALE = 0x1p32;

    /** A log price in the mean's fixed point. */
    static long fixedLnPrice(double lnPrice) {
        return Math.round(lnPrice * LN_PRICE_SCALE);
    }

    /** The mean of {@code count} fixed-point log prices summing to {@code sum}; NaN for none. */
    static double meanLnPrice(long sum, int count) {
        return count == 0 ? Double.NaN : sum / LN_PRICE_SCALE / count;
    }

    /** log1p(30): a daily re-order over a month saturates user_item_purchase_days. */
    private static final double LOG_PURCHASE_DAYS_CAP = Math.log1p(30);

    private static final EventType[] TYPES = EventType.values();
    private static final double[] WEIGHT_OF = new double[TYPES.length];

    static {
        for (EventType type : TYPES) {
            WEIGHT_OF[type.ordinal()] = weight(type);
        }
    }

    /**
     * The user's history against one snapshot as primitive columns, newest first, ties by id (the order the
     * aggregation sums in): what {@link UserProfile} is computed from. Each event's item is looked up in the
     * snapshot once, when it enters the window, and its decay term (which depends only on its time and the
     * snapshot's asOf) computed then; re-aggregating a window reads no string and computes no power.
     * <p>
     * Immutable. {@link #with} answers the window of the history with more events, as the store would answer it
     * after they were stored (newest {@code limit} events, ties at the cut by the store's order, (timestamp, id)
     * descending), or null when that cannot be told without the events' ids.
     */
    static final class Window {
        private static final Window EMPTY = new Window(null, 0, new long[0], new int[0], new int[0], new byte[0],
                new double[0], null, new String[0]);

        final String userId;
        final int size;
        final long[] second;
        final int[] nano;
        /** The catalogued item's dense index; -1: no item; -2 - k: the uncatalogued item {@code names[k]}. */
        final int[] item;
        final byte[] type;
        /** weight × 0.5^((asOf - time) / half-life) of an item event, else 0. */
        final double[] decay;
        /** For an impression or ad click: {@code names[k]} is its creative, -1 none; null when no event has one. */
        final int[] creative;
        /** The uncatalogued item ids and creative ids named (usually none). */
        final String[] names;

        private Window(String userId, int size, long[] second, int[] nano, int[] item, byte[] type, double[] decay,
                int[] creative, String[] names) {
            this.userId = userId;
            this.size = size;
            this.second = second;
            this.nano = nano;
            this.item = item;
            this.type = type;
            this.decay = decay;
            this.creative = creative;
            this.names = names;
        }

        /** The window of a history already newest first, ties by id. */
        static Window of(Snapshot s, List<Event> events) {
            int n = events.size();
            if (n == 0) {
                return EMPTY;
            }
            long[] second = new long[n];
            int[] nano = new int[n];
            int[] item = new int[n];
            byte[] type = new byte[n];
            double[] decay = new double[n];
            int[] creative = null;
            Names names = new Names(new String[0]);
            for (int i = 0; i < n; i++) {
                Event e = events.get(i);
                int c = fill(s, e, i, second, nano, item, type, decay, names);
                if (c >= 0 || creative != null) {
                    if (creative == null) {
                        creative = new int[n];
                        Arrays.fill(creative, 0, i, -1);
                    }
                    creative[i] = c;
                }
            }
            return new Window(events.get(0).userId(), n, second, nano, item, type, decay, creative, names.all);
        }

        /** Puts one event's columns at {@code i}; answers its creative's name index, or -1. */
        private static int fill(Snapshot s, Event e, int i, long[] second, int[] nano, int[] item, byte[] type,
                double[] decay, Names names) {
            second[i] = e.timestamp().getEpochSecond();
            nano[i] = e.timestamp().getNano();
            type[i] = (byte) e.type().ordinal();
            String itemId = e.itemId();
            if (itemId == null) {
                item[i] = -1;
            } else {
                int at = s.indexOf(itemId);
                item[i] = at >= 0 ? at : -2 - names.of(itemId);
                decay[i] = WEIGHT_OF[type[i]] * Math.pow(0.5, (s.asOfSecond - second[i]) / DECAY_HALF_LIFE_SECONDS);
            }
            boolean ad = e.type() == EventType.IMPRESSION || e.type() == EventType.AD_CLICK;
            return ad && e.context().creative() != null ? names.of(e.context().creative()) : -1;
        }

        /** Index of the event at this time, or -(insertion point) - 1 (newest first: larger times first). */
        private int find(long sec, int ns) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = second[mid] != sec ? Long.compare(sec, second[mid]) : Integer.compare(ns, nano[mid]);
                if (c == 0) {
                    return mid;
                }
                if (c > 0) {
                    hi = mid - 1; // newer than mid: before it
                } else {
                    lo = mid + 1;
                }
            }
            return -lo - 1;
        }

        /**
         * This window with the user's new events, cut to {@code limit} as the store cuts; null when the answer
         * would depend on event ids, which the window does not hold: a new event at the exact time of a held one
         * (also how an event the window already holds shows), or at the time of the oldest held one when the
         * window is full. A full window then drops the store's last event: the oldest time's smallest id, the
         * first of its run (ties are ordered by id, ascending).
         */
        Window with(Snapshot s, List<Event> added, int limit) {
            Window w = this;
            for (Event e : added) {
                if (w.userId != null && !w.userId.equals(e.userId())) {
                    return null;
                }
                long sec = e.timestamp().getEpochSecond();
                int ns = e.timestamp().getNano();
                int found = w.find(sec, ns);
                if (found >= 0) {
                    return null;
                }
                int at = -found - 1;
                boolean full = w.size >= limit;
                if (full && at >= w.size) {
                    continue; // older than the whole window of a long history: the store's answer is unchanged
                }
                w = w.insert(s, e, at, full ? w.oldestRunStart() : -1);
            }
            return w;
        }

        /** Where the run of events at the oldest time starts. */
        private int oldestRunStart() {
            int i = size - 1;
            while (i > 0 && second[i - 1] == second[size - 1] && nano[i - 1] == nano[size - 1]) {
                i--;
            }
            return i;
        }

        /** A copy with {@code e} at {@code at} and, when {@code drop >= 0}, the event at {@code drop} removed. */
        private Window insert(Snapshot s, Event e, int at, int drop) {
            int n = drop >= 0 ? size : size + 1;
            long[] sec2 = new long[n];
            int[] nano2 = new int[n];
            int[] item2 = new int[n];
            byte[] type2 = new byte[n];
            double[] decay2 = new double[n];
            int[] creative2 = creative == null ? null : new int[n];
            // Source positions in order, skipping the dropped one; the new event goes before source index at.
            int out = 0;
            int newAt = -1;
            for (int i = 0; i <= size; i++) {
                if (i == at) {
                    newAt = out++;
                }
                if (i == size) {
                    break;
                }
                if (i == drop) {
                    continue;
                }
                sec2[out] = second[i];
                nano2[out] = nano[i];
                item2[out] = item[i];
                type2[out] = type[i];
                decay2[out] = decay[i];
                if (creative2 != null) {
                    creative2[out] = creative[i];
                }
                out++;
            }
            Names more = new Names(names);
            int c = fill(s, e, newAt, sec2, nano2, item2, type2, decay2, more);
            if (c >= 0 && creative2 == null) {
                creative2 = new int[n];
                Arrays.fill(creative2, -1);
            }
            if (creative2 != null) {
                creative2[newAt] = c;
            }
            return new Window(userId == null ? e.userId() : userId, n, sec2, nano2, item2, type2, decay2, creative2,
                    more.all);
        }

        long approximateBytes() {
            return 64 + 25L * size + (creative == null ? 0 : 4L * size) + 60L * names.length;
        }
    }

    /** A window's names: uncatalogued item ids and creative ids, looked up linearly (there are few). */
    private static final class Names {
        String[] all;

        Names(String[] all) {
            this.all = all;
        }

        int of(String name) {
            for (int i = 0; i < all.length; i++) {
                if (all[i].equals(name)) {
                    return i;
                }
            }
            all = Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = name;
            return all.length - 1;
        }
    }

    /**
     * The aggregates of the user's history, computed once per window (per extract call, or per cached entry and
     * its updates). Catalogue look-ups, prices and the behaviour weights are per distinct item.
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
        /** The window this was computed from, when kept for updates ({@link #with}); else null. */
        final Window window;

        UserProfile(Snapshot s, List<Event> history) {
            // Newest first, ties by id: the order callers pass must not change the features.
            this(s, Window.of(s, newestFirst(history)), false);
        }

        UserProfile(Snapshot s, Window w, boolean keepWindow) {
            window = keepWindow ? w : null;
            int n = w.size;
            eventCount = n;
            userId = w.userId;
            // Per event one probe of a scratch table by dense index; items outside the catalogue (rare) by id.
            int capacity = Integer.highestOneBit(Math.max(1, n) * 2) << 1;
            int[] scratchKeys = new int[capacity];
            UserItem[] scratch = new UserItem[capacity];
            Map<String, UserItem> uncatalogued = Map.of();
            List<UserItem> seen = new ArrayList<>(); // first occurrence first
            topWeight = new double[s.topCategories];
            pathWeight = new double[s.categories];
            recentTopWeight = new double[s.topCategories];
            long newestSecond = s.asOfSecond;
            int newestNano = s.asOfNano;
            int recentSeen = 0;
            long[] second = w.second;
            int[] nano = w.nano;
            int[] items = w.item;
            byte[] types = w.type;
            for (int i = 0; i < n; i++) {
                long sec = second[i];
                int ns = nano[i];
                if (sec > newestSecond || sec == newestSecond && ns > newestNano) {
                    newestSecond = sec;
                    newestNano = ns;
                }
                int type = types[i];
                if (w.creative != null && w.creative[i] >= 0) {
                    if (type == EventType.IMPRESSION.ordinal()) {
                        adImpressions++;
                        seenCreative.merge(w.names[w.creative[i]], 1, Integer::sum);
                    } else {
                        adClicks++;
                    }
                }
                int index = items[i];
                if (index == -1) {
                    continue;
                }
                double weight = WEIGHT_OF[type];
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
                    String itemId = w.names[-2 - index];
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
                mine.weight += weight;
                mine.decayed += w.decay[i];
                if (sec > mine.lastSecond || sec == mine.lastSecond && ns > mine.lastNano) {
                    mine.lastSecond = sec;
                    mine.lastNano = ns;
                }
                if (type == EventType.PURCHASE.ordinal()) {
                    mine.purchased = true;
                    long day = Math.floorDiv(sec, (long) SECONDS_PER_DAY);
                    if (mine.dayCount == 0 || day != mine.lastDay) {
                        mine.dayCount++;
                        mine.lastDay = day;
                    }
                }
                totalWeight += weight;
                boolean recent = recentSeen++ < RECENT_EVENTS;
                if (recent) {
                    recentTotalWeight += weight;
                }
                if (mine.at < 0) {
                    continue;
                }
                int top = s.topCategoryOf[mine.at];
                if (top >= 0) {
                    topWeight[top] += weight;
                    int path = s.categoryOf[mine.at];
                    if (path >= 0) {
                        pathWeight[path] += weight;
                    }
                    if (recent) {
                        recentTopWeight[top] += weight;
                    }
                }
            }
            // The mean over distinct priced items, in fixed point: exact in any order, so it depends on the set of
            // items only (it was a double sum in a HashMap's order, which changed with every item added).
            long lnPriceSum = 0;
            int priced = 0;
            int catalogued = 0;
            for (UserItem mine : seen) {
                int at = mine.at;
                if (at >= 0) {
                    catalogued++;
                    if (!Double.isNaN(s.lnPriceOf[at])) {
                        lnPriceSum += fixedLnPrice(s.lnPriceOf[at]);
                        priced++;
                    }
                }
            }
            meanLnPrice = meanLnPrice(lnPriceSum, priced);
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
            // Re-based from asOf to the newest of asOf and the history (one factor for every item).
            double rebase = Math.pow(0.5, Math.max(0, newestSecond - s.asOfSecond) / DECAY_HALF_LIFE_SECONDS);
            for (UserItem mine : seen) {
                mine.affinity = (float) Math.log1p(mine.weight);
                // Duration.between(lastSeen, newest).getSeconds(): whole seconds, rounded down.
                long seconds = newestSecond - mine.lastSecond - (newestNano < mine.lastNano ? 1 : 0);
                double days = Math.max(0, seconds) / SECONDS_PER_DAY;
                mine.recency = (float) (1d / (1d + days));
                mine.decayedAffinity = (float) Math.log1p(mine.decayed * rebase);
                mine.purchaseDays = mine.dayCount == 0 ? 0f
                        : (float) Math.min(1d, Math.log1p(mine.dayCount) / LOG_PURCHASE_DAYS_CAP);
                if (mine.at >= 0) {
                    int slot = slot(keys, mine.at);
                    keys[slot] = mine.at + 1;
                    values[slot] = mine;
                }
            }
        }

        /**
         * The profile of this one's history with the user's new events, exactly as a fresh computation over the
         * store's answer after they were stored would be (the same window, aggregated in the same order); null
         * when this profile kept no window or the new window cannot be told ({@link Window#with}).
         */
        UserProfile with(Snapshot s, List<Event> added, int limit) {
            if (window == null) {
                return null;
            }
            Window w = window.with(s, added, limit);
            return w == null ? null : new UserProfile(s, w, true);
        }

        /** The history newest first, ties by id: the list itself when it is in that order already (the store's). */
        static List<Event> newestFirst(List<Event> history) {
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
                    + 12L * keys.length + 80L * order.length + 200L * others.size()
                    + (window == null ? 0 : window.approximateBytes())
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
