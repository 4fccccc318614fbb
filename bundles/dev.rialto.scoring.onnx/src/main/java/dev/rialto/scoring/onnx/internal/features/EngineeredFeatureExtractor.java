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
import java.util.concurrent.atomic.AtomicInteger;
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
                            case USER_ITEM_DECAYED_AFFINITY -> user.decayedAffinity(u);
                            default -> user.recency(u);
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
        /**
         * The newest time of the history that {@link #recency} and {@link #decayedAffinity} were computed against;
         * an updated profile shares unchanged items and recomputes both when its newest time moved on.
         */
        long basisSecond;
        int basisNano;

        UserItem(int at) {
            this.at = at;
        }

        /** Adds the window's event {@code i} (on this item): the one place both the fresh pass and updates sum. */
        void add(Window w, int i) {
            i += w.start;
            int type = w.type[i];
            weight += WEIGHT_OF[type];
            decayed += w.decay[i];
            long sec = w.second[i];
            int ns = w.nano[i];
            if (sec > lastSecond || sec == lastSecond && ns > lastNano) {
                lastSecond = sec;
                lastNano = ns;
            }
            if (type == EventType.PURCHASE.ordinal()) {
                purchased = true;
                long day = Math.floorDiv(sec, (long) SECONDS_PER_DAY);
                if (dayCount == 0 || day != lastDay) {
                    dayCount++;
                    lastDay = day;
                }
            }
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
     * Immutable. {@link #with} answers the window of the history with one more event, as the store would answer it
     * after it was stored (newest {@code limit} events, ties at the cut by the store's order, (timestamp, id)
     * descending), or null when that cannot be told without the events' ids.
     */
    static final class Window {
        private static final Window EMPTY = new Window(null, 0, 0, new long[0], new int[0], new int[0], new byte[0],
                new double[0], null, new String[0], new AtomicInteger());
        /**
         * Free room kept before a new window's first event: a new newest event goes into it without a copy
         * ({@link #insert}), about 1.6 KB per window.
         */
        static final int ROOM = 64;

        final String userId;
        /** Where event 0 (the newest) is in the arrays: they are shared by the windows of one entry's updates. */
        final int start;
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
        /**
         * The lowest index of the arrays that a window holds: a window may put a new event just before its start
         * only while no other window of the same arrays has (the arrays are shared, a slot is written once).
         */
        private final AtomicInteger front;

        private Window(String userId, int start, int size, long[] second, int[] nano, int[] item, byte[] type,
                double[] decay, int[] creative, String[] names, AtomicInteger front) {
            this.userId = userId;
            this.start = start;
            this.size = size;
            this.front = front;
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
            int length = ROOM + n;
            long[] second = new long[length];
            int[] nano = new int[length];
            int[] item = new int[length];
            byte[] type = new byte[length];
            double[] decay = new double[length];
            int[] creative = null;
            Names names = new Names(new String[0]);
            for (int i = 0; i < n; i++) {
                Event e = events.get(i);
                int c = fill(s, e, ROOM + i, second, nano, item, type, decay, names);
                if (c >= 0 || creative != null) {
                    if (creative == null) {
                        creative = new int[length];
                        Arrays.fill(creative, -1);
                    }
                    creative[ROOM + i] = c;
                }
            }
            return new Window(events.get(0).userId(), ROOM, n, second, nano, item, type, decay, creative, names.all,
                    new AtomicInteger(ROOM));
        }

        /** Puts one event's columns at array index {@code i}; answers its creative's name index, or -1. */
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
                int m = start + mid;
                int c = second[m] != sec ? Long.compare(sec, second[m]) : Integer.compare(ns, nano[m]);
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
         * This window with one more event of the user, cut to {@code limit} as the store cuts; null when the answer
         * would depend on event ids, which the window does not hold: a new event at the exact time of a held one
         * (also how an event the window already holds shows), or at the time of the oldest held one when the
         * window is full. A full window then drops the store's last event: the oldest time's smallest id, the
         * first of its run (ties are ordered by id, ascending).
         */
        Step with(Snapshot s, Event e, int limit) {
            if (userId != null && !userId.equals(e.userId())) {
                return null;
            }
            int found = find(e.timestamp().getEpochSecond(), e.timestamp().getNano());
            if (found >= 0) {
                return null;
            }
            int at = -found - 1;
            boolean full = size >= limit;
            if (full && at >= size) {
                return new Step(this, -1, -1); // older than the whole window of a long history: unchanged
            }
            int drop = full ? oldestRunStart() : -1;
            return new Step(insert(s, e, at, drop), drop >= 0 && drop < at ? at - 1 : at, drop);
        }

        /** Where the run of events at the oldest time starts. */
        private int oldestRunStart() {
            int last = start + size - 1;
            int i = size - 1;
            while (i > 0 && second[start + i - 1] == second[last] && nano[start + i - 1] == nano[last]) {
                i--;
            }
            return i;
        }

        /**
         * This window with {@code e} at {@code at} and, when {@code drop >= 0}, the event at {@code drop} removed.
         * The usual update (a new newest event, the window's oldest event cut or none) puts the event into the room
         * before the start and shares the arrays; any other is a copy (with the room again).
         */
        private Window insert(Snapshot s, Event e, int at, int drop) {
            int n = drop >= 0 ? size : size + 1;
            boolean ad = e.type() == EventType.IMPRESSION || e.type() == EventType.AD_CLICK;
            boolean needsCreatives = creative == null && ad && e.context().creative() != null;
            if (at == 0 && (drop < 0 || drop == size - 1) && start > 0 && !needsCreatives
                    && front.compareAndSet(start, start - 1)) {
                Names more = new Names(names);
                int c = fill(s, e, start - 1, second, nano, item, type, decay, more);
                if (creative != null) {
                    creative[start - 1] = c;
                }
                return new Window(userId == null ? e.userId() : userId, start - 1, n, second, nano, item, type, decay,
                        creative, more.all, front);
            }
            int length = ROOM + n;
            long[] sec2 = new long[length];
            int[] nano2 = new int[length];
            int[] item2 = new int[length];
            byte[] type2 = new byte[length];
            double[] decay2 = new double[length];
            int[] creative2 = creative == null && !needsCreatives ? null : new int[length];
            // The new event goes before event at; a dropped event is of the oldest time, so at <= drop.
            shift(second, sec2, at, drop);
            shift(nano, nano2, at, drop);
            shift(item, item2, at, drop);
            shift(type, type2, at, drop);
            shift(decay, decay2, at, drop);
            if (creative2 != null) {
                if (creative == null) {
                    Arrays.fill(creative2, -1);
                } else {
                    shift(creative, creative2, at, drop);
                }
            }
            Names more = new Names(names);
            int c = fill(s, e, ROOM + at, sec2, nano2, item2, type2, decay2, more);
            if (creative2 != null) {
                creative2[ROOM + at] = c;
            }
            return new Window(userId == null ? e.userId() : userId, ROOM, n, sec2, nano2, item2, type2, decay2,
                    creative2, more.all, new AtomicInteger(ROOM));
        }

        /**
         * Copies this window's events from src into dst from {@link #ROOM} on, leaving a gap at event {@code at} and,
         * when {@code drop >= at}, without event {@code drop}.
         */
        private void shift(Object src, Object dst, int at, int drop) {
            System.arraycopy(src, start, dst, ROOM, at);
            if (drop < 0) {
                System.arraycopy(src, start + at, dst, ROOM + at + 1, size - at);
            } else {
                System.arraycopy(src, start + at, dst, ROOM + at + 1, drop - at);
                System.arraycopy(src, start + drop + 1, dst, ROOM + drop + 1, size - drop - 1);
            }
        }

        long approximateBytes() {
            long length = second.length; // the arrays, room included (shared by an entry's updates: one entry)
            return 64 + 25L * length + (creative == null ? 0 : 4L * length) + 60L * names.length;
        }
    }

    /**
     * A window after one event: the new window, where the event went in it (-1: nowhere, the window is the same),
     * and which event of the previous window was dropped (-1: none).
     */
    record Step(Window window, int inserted, int dropped) {
    }

    /**
     * A window's names: uncatalogued item ids and creative ids. Usually a few, looked up linearly; by a map once
     * there are more (a snapshot without the catalogue makes every item uncatalogued).
     */
    private static final class Names {
        private static final int LINEAR = 16;
        String[] all;
        private Map<String, Integer> index;

        Names(String[] all) {
            this.all = all;
        }

        int of(String name) {
            if (all.length > LINEAR && index == null) {
                index = new HashMap<>();
                for (int i = 0; i < all.length; i++) {
                    index.put(all[i], i);
                }
            }
            if (index != null) {
                Integer known = index.get(name);
                if (known != null) {
                    return known;
                }
            } else {
                for (int i = 0; i < all.length; i++) {
                    if (all[i].equals(name)) {
                        return i;
                    }
                }
            }
            all = Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = name;
            if (index != null) {
                index.put(name, all.length - 1);
            }
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
        final Map<String, Integer> seenCreative;
        /** The newest of asOf and the history, and the decay's re-basing factor from asOf to it. */
        final long newestSecond;
        final int newestNano;
        final double rebase;
        /** The catalogued distinct items, and the fixed-point sum and count of their known log prices. */
        final int catalogued;
        final long lnPriceSum;
        final int priced;
        /** The history's user (every event of a history is the same user's), or null for an empty history. */
        private final String userId;
        /** Catalogued items by dense index: an open-addressing table (keys + 1, 0 = empty), for the candidates. */
        private final int[] keys;
        /**
         * Four bits per table slot, one set for each item of the table (by a hash of its dense index): a clear bit
         * tells a candidate that is not the user's without probing the table (most candidates are not, and a
         * cached user's table is cold in the CPU caches: 1/8 of its size to read instead). Bits are set when items
         * come and stay set when they go (a set bit only means probe), rebuilt with the table.
         */
        private final long[] filter;
        private final UserItem[] values;
        /**
         * The catalogued distinct items' dense indexes in first-occurrence order (newest first): the behaviour
         * fold-in fills its map in this order as before. Indexes, not ids: a cached profile holds no strings.
         */
        private volatile int[] order;
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
            seenCreative = new HashMap<>();
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
            for (int i = 0, p = w.start; i < n; i++, p++) {
                long sec = second[p];
                int ns = nano[p];
                if (sec > newestSecond || sec == newestSecond && ns > newestNano) {
                    newestSecond = sec;
                    newestNano = ns;
                }
                int type = types[p];
                if (w.creative != null && w.creative[p] >= 0) {
                    if (type == EventType.IMPRESSION.ordinal()) {
                        adImpressions++;
                        seenCreative.merge(w.names[w.creative[p]], 1, Integer::sum);
                    } else {
                        adClicks++;
                    }
                }
                int index = items[p];
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
                mine.add(w, i);
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
            this.lnPriceSum = lnPriceSum;
            this.priced = priced;
            this.catalogued = catalogued;
            this.newestSecond = newestSecond;
            this.newestNano = newestNano;
            distinct = seen.size();
            int[] order = new int[catalogued];
            this.order = order;
            int next = 0;
            for (UserItem mine : seen) {
                if (mine.at >= 0) {
                    order[next++] = mine.at;
                }
            }
            others = uncatalogued;
            keys = new int[Integer.highestOneBit(Math.max(1, catalogued) * 2) << 1];
            values = new UserItem[keys.length];
            filter = new long[filterLength(keys.length)];
            // Re-based from asOf to the newest of asOf and the history (one factor for every item).
            rebase = rebase(s, newestSecond);
            for (UserItem mine : seen) {
                finish(mine);
                if (mine.at >= 0) {
                    int slot = slot(keys, mine.at);
                    keys[slot] = mine.at + 1;
                    values[slot] = mine;
                    mark(filter, mine.at);
                }
            }
        }

        private static double rebase(Snapshot s, long newestSecond) {
            return Math.pow(0.5, Math.max(0, newestSecond - s.asOfSecond) / DECAY_HALF_LIFE_SECONDS);
        }

        /** The item's values from its sums, against this profile's newest time. */
        private void finish(UserItem mine) {
            mine.affinity = (float) Math.log1p(mine.weight);
            mine.recency = recencyOf(mine);
            mine.decayedAffinity = (float) Math.log1p(mine.decayed * rebase);
            mine.basisSecond = newestSecond;
            mine.basisNano = newestNano;
            mine.purchaseDays = mine.dayCount == 0 ? 0f
                    : (float) Math.min(1d, Math.log1p(mine.dayCount) / LOG_PURCHASE_DAYS_CAP);
        }

        private float recencyOf(UserItem mine) {
            // Duration.between(lastSeen, newest).getSeconds(): whole seconds, rounded down.
            long seconds = newestSecond - mine.lastSecond - (newestNano < mine.lastNano ? 1 : 0);
            double days = Math.max(0, seconds) / SECONDS_PER_DAY;
            return (float) (1d / (1d + days));
        }

        /** user_item_recency of one of this profile's items. */
        float recency(UserItem mine) {
            return mine.basisSecond == newestSecond && mine.basisNano == newestNano ? mine.recency : recencyOf(mine);
        }

        /** user_item_decayed_affinity of one of this profile's items. */
        float decayedAffinity(UserItem mine) {
            return mine.basisSecond == newestSecond && mine.basisNano == newestNano ? mine.decayedAffinity
                    : (float) Math.log1p(mine.decayed * rebase);
        }

        /**
         * The profile of this one's history with the user's new events, exactly as a fresh computation over the
         * store's answer after they were stored would be; null when this profile kept no window or the new window
         * cannot be told ({@link Window#with}). Each event costs a window copy and work on the (at most two)
         * items it touches, the event in and the event cut: the sums that are exact in any order (weights are
         * multiples of 0.5, counts, the fixed-point price sum) are added to and subtracted from; what depends on
         * the order (an item's decayed sum, its last time and purchase days, the 10 most recent events) is
         * recomputed from the window in the order a fresh pass uses.
         */
        UserProfile with(Snapshot s, List<Event> added, int limit) {
            if (window == null) {
                return null;
            }
            UserProfile p = this;
            for (Event e : added) {
                Step step = p.window.with(s, e, limit);
                if (step == null) {
                    return null;
                }
                if (step.inserted() >= 0) {
                    p = new UserProfile(p, s, step);
                }
            }
            return p;
        }

        /** {@code before} after one step of its window. */
        private UserProfile(UserProfile before, Snapshot s, Step step) {
            Window w = step.window();
            Window old = before.window;
            window = w;
            eventCount = w.size;
            userId = w.userId;
            double[] top = before.topWeight.clone();
            double[] path = before.pathWeight.clone();
            double total = before.totalWeight;
            long impressions = before.adImpressions;
            long clicks = before.adClicks;
            Map<String, Integer> creatives = before.seenCreative;
            int[] touched = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            for (int change = 0; change < 2; change++) {
                Window cw = change == 0 ? w : old;
                int i = change == 0 ? step.inserted() : step.dropped();
                if (i < 0) {
                    continue;
                }
                boolean in = change == 0;
                i += cw.start;
                int type = cw.type[i];
                if (cw.creative != null && cw.creative[i] >= 0) {
                    if (type == EventType.IMPRESSION.ordinal()) {
                        impressions += in ? 1 : -1;
                        if (creatives == before.seenCreative) {
                            creatives = new HashMap<>(creatives);
                        }
                        String creative = cw.names[cw.creative[i]];
                        int count = creatives.getOrDefault(creative, 0) + (in ? 1 : -1);
                        if (count == 0) {
                            creatives.remove(creative);
                        } else {
                            creatives.put(creative, count);
                        }
                    } else {
                        clicks += in ? 1 : -1;
                    }
                }
                int code = cw.item[i];
                if (code == -1) {
                    continue;
                }
                double weight = WEIGHT_OF[type];
                total = in ? total + weight : total - weight;
                if (code >= 0 && s.topCategoryOf[code] >= 0) {
                    int t = s.topCategoryOf[code];
                    top[t] = in ? top[t] + weight : top[t] - weight;
                    int c = s.categoryOf[code];
                    if (c >= 0) {
                        path[c] = in ? path[c] + weight : path[c] - weight;
                    }
                }
                touched[change] = code;
            }
            topWeight = top;
            pathWeight = path;
            totalWeight = total;
            adImpressions = impressions;
            adClicks = clicks;
            seenCreative = creatives;
            // The 10 most recent item events, as the fresh pass sums them.
            recentTopWeight = new double[s.topCategories];
            int recentSeen = 0;
            for (int i = w.start; i < w.start + w.size && recentSeen < RECENT_EVENTS; i++) {
                int code = w.item[i];
                if (code == -1) {
                    continue;
                }
                double weight = WEIGHT_OF[w.type[i]];
                recentTotalWeight += weight;
                recentSeen++;
                if (code >= 0 && s.topCategoryOf[code] >= 0) {
                    recentTopWeight[s.topCategoryOf[code]] += weight;
                }
            }
            int first = w.start;
            if (w.size > 0 && (w.second[first] > s.asOfSecond
                    || w.second[first] == s.asOfSecond && w.nano[first] > s.asOfNano)) {
                newestSecond = w.second[first];
                newestNano = w.nano[first];
            } else {
                newestSecond = s.asOfSecond;
                newestNano = s.asOfNano;
            }
            rebase = newestSecond == before.newestSecond ? before.rebase : rebase(s, newestSecond);
            // The touched items, recomputed from the window; the others are shared with the previous profile.
            int[] k = before.keys;
            UserItem[] v = before.values;
            long[] f = before.filter;
            Map<String, UserItem> uncatalogued = before.others;
            int count = before.catalogued;
            long lnSum = before.lnPriceSum;
            int withPrice = before.priced;
            boolean copied = false;
            if (touched[1] == touched[0]) {
                touched[1] = Integer.MIN_VALUE;
            }
            UserItem[] rescanned = rescan(w, touched[0], touched[1]);
            for (int change = 0; change < 2; change++) {
                int code = touched[change];
                if (code == Integer.MIN_VALUE) {
                    continue;
                }
                UserItem now = rescanned[change];
                if (now != null) {
                    finish(now);
                }
                if (code < 0) {
                    String id = w.names[-2 - code];
                    uncatalogued = new HashMap<>(uncatalogued);
                    if (now == null) {
                        uncatalogued.remove(id);
                    } else {
                        uncatalogued.put(id, now);
                    }
                    if (uncatalogued.isEmpty()) {
                        uncatalogued = Map.of();
                    }
                    continue;
                }
                if (!copied) {
                    k = k.clone();
                    v = v.clone();
                    f = f.clone();
                    copied = true;
                }
                int slot = slot(k, code);
                boolean was = k[slot] != 0;
                double ln = s.lnPriceOf[code];
                if (now == null) {
                    if (was) {
                        remove(k, v, slot);
                        count--;
                        if (!Double.isNaN(ln)) {
                            lnSum -= fixedLnPrice(ln);
                            withPrice--;
                        }
                    }
                    continue;
                }
                if (!was) {
                    count++;
                    if (!Double.isNaN(ln)) {
                        lnSum += fixedLnPrice(ln);
                        withPrice++;
                    }
                    if (count * 2 > k.length) { // keep the table at most half full
                        UserItem[] all = v;
                        k = new int[k.length * 2];
                        v = new UserItem[k.length];
                        f = new long[filterLength(k.length)];
                        for (UserItem item : all) {
                            if (item != null) {
                                int at = slot(k, item.at);
                                k[at] = item.at + 1;
                                v[at] = item;
                                mark(f, item.at);
                            }
                        }
                        slot = slot(k, code);
                    }
                }
                k[slot] = code + 1;
                v[slot] = now;
                mark(f, code);
            }
            keys = k;
            values = v;
            filter = f;
            others = uncatalogued;
            catalogued = count;
            lnPriceSum = lnSum;
            priced = withPrice;
            meanLnPrice = meanLnPrice(lnSum, withPrice);
            distinct = count + uncatalogued.size();
            order = null; // from the window, if the fold-in asks
        }

        /**
         * Two items' sums over the window (codes as in {@link Window#item}; MIN_VALUE: none), in the fresh pass's
         * order, in one pass; null for an item without events.
         */
        private static UserItem[] rescan(Window w, int a, int b) {
            UserItem[] out = new UserItem[2];
            int[] items = w.item;
            for (int i = 0; i < w.size; i++) {
                int code = items[w.start + i];
                if (code != a && code != b) {
                    continue;
                }
                int which = code == a ? 0 : 1;
                UserItem mine = out[which];
                if (mine == null) {
                    mine = new UserItem(code >= 0 ? code : -1);
                    out[which] = mine;
                }
                mine.add(w, i);
            }
            return out;
        }

        /** Removes the entry at {@code slot} of a linear-probing table, shifting back the entries after it. */
        private static void remove(int[] keys, UserItem[] values, int slot) {
            int mask = keys.length - 1;
            int hole = slot;
            keys[hole] = 0;
            values[hole] = null;
            for (int j = hole + 1 & mask; keys[j] != 0; j = j + 1 & mask) {
                int home = home(keys[j] - 1, keys.length);
                // Move j into the hole unless its home lies cyclically in (hole, j].
                boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
                if (!stays) {
                    keys[hole] = keys[j];
                    values[hole] = values[j];
                    keys[j] = 0;
                    values[j] = null;
                    hole = j;
                }
            }
        }

        /** The catalogued distinct items in first-occurrence order, from the window when not kept. */
        private int[] order(Snapshot s) {
            int[] known = order;
            if (known != null) {
                return known;
            }
            int[] out = new int[catalogued];
            int[] seenKeys = new int[keys.length];
            int next = 0;
            for (int i = 0; i < window.size && next < out.length; i++) {
                int code = window.item[window.start + i];
                if (code >= 0) {
                    int slot = slot(seenKeys, code);
                    if (seenKeys[slot] == 0) {
                        seenKeys[slot] = code + 1;
                        out[next++] = code;
                    }
                }
            }
            order = out;
            return out;
        }

        /** The history newest first, ties by id: the list itself when it is in that order already (the store's). */
        static List<Event> newestFirst(List<Event> history) {
            boolean byTime = true;
            boolean inOrder = true;
            for (int i = 1; i < history.size() && byTime; i++) {
                int c = history.get(i).timestamp().compareTo(history.get(i - 1).timestamp());
                byTime = c <= 0;
                inOrder &= c < 0 || c == 0 && history.get(i - 1).id().compareTo(history.get(i).id()) <= 0;
            }
            if (inOrder) {
                return history;
            }
            List<Event> sorted = new ArrayList<>(history);
            if (!byTime) {
                sorted.sort(NEWEST_FIRST);
                return sorted;
            }
            // Newest first already, ties not by id (the store orders them by id descending): sort each run of
            // equal times only.
            for (int from = 0, to; from < sorted.size(); from = to) {
                Instant at = sorted.get(from).timestamp();
                for (to = from + 1; to < sorted.size() && sorted.get(to).timestamp().equals(at); to++) {
                    // the run of events at this time
                }
                if (to - from > 1) {
                    sorted.subList(from, to).sort(NEWEST_FIRST);
                }
            }
            return sorted;
        }

        /** The filter of a table of this many slots: four bits a slot (a power of two, at least 64). */
        private static int filterLength(int slots) {
            return Math.max(1, slots >>> 4);
        }

        /** Sets the filter's bit of this dense index. */
        private static void mark(long[] filter, int at) {
            int bit = home(at, filter.length << 6);
            filter[bit >>> 6] |= 1L << bit;
        }

        /** Where this dense index would sit in an empty table of this (power of two) length. */
        private static int home(int at, int length) {
            // Fibonacci hashing: the product's top bits (its low bits mix only the index's low bits).
            return (at * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(length) + 1;
        }

        /** The slot of this dense index in an open-addressing table of indexes + 1 (0 = empty). */
        private static int slot(int[] keys, int at) {
            int mask = keys.length - 1;
            int slot = home(at, keys.length);
            while (keys[slot] != 0 && keys[slot] != at + 1) {
                slot = slot + 1 & mask;
            }
            return slot;
        }

        /** What the user did with the catalogued item at this dense index, or null. */
        UserItem catalogued(int at) {
            int bit = home(at, filter.length << 6);
            if ((filter[bit >>> 6] & 1L << bit) == 0) {
                return null;
            }
            return values[slot(keys, at)];
        }

        /** Catalogued item id to the summed weight, for the behaviour fold-in. */
        private Map<String, Double> indexWeights(Snapshot s) {
            // The same additions in the same order as summing per event, into a map filled in the same order.
            Map<String, Double> out = new HashMap<>();
            for (int at : order(s)) {
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
                    + 12L * keys.length + 8L * filter.length + 88L * catalogued + 200L * others.size()
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
