package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Accumulator acc = new Accumulator();
        // forEach, not an iterator: callers may stream events from the store through Iterable.forEach.
        events.forEach(acc);
        return acc.build(items == null ? Map.of() : items);
    }

    @Override
    public void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out) {
        if (!(snapshot instanceof Snapshot s)) {
            throw new IllegalArgumentException("snapshot must come from this extractor's snapshot(), was "
                    + (snapshot == null ? "null" : snapshot.getClass().getName()));
        }
        Feature[] columns = new Feature[features.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = Feature.byName(features.get(i));
            if (columns[i] == null) {
                throw new IllegalArgumentException("unknown feature '" + features.get(i) + "'; known: " + Feature.NAMES);
            }
        }
        if (out.remaining() < (long) columns.length * itemIds.size()) {
            throw new IllegalArgumentException("out has room for " + out.remaining() + " values, needs "
                    + (long) columns.length * itemIds.size());
        }
        UserProfile user = new UserProfile(s, history == null ? List.of() : history);
        for (String itemId : itemIds) {
            Snapshot.ItemStats item = itemId == null ? null : s.items.get(itemId);
            for (Feature column : columns) {
                out.put((float) value(column, s, user, itemId, item));
            }
        }
    }

    private static double value(Feature feature, Snapshot s, UserProfile user, String itemId, Snapshot.ItemStats item) {
        return switch (feature) {
            case USER_CATEGORY_AFFINITY -> item == null ? 0 : share(user.topWeight, item.topCategory(), user.totalWeight);
            case USER_SUBCATEGORY_AFFINITY -> item == null ? 0 : share(user.pathWeight, item.category(), user.totalWeight);
            case USER_ITEM_AFFINITY -> Math.log1p(user.itemWeight.getOrDefault(itemId, 0d));
            case ITEM_POPULARITY -> item == null || s.logMaxItemWeight == 0 ? 0
                    : Math.log1p(item.weight()) / s.logMaxItemWeight;
            case ITEM_RECENT_POPULARITY -> item == null || s.logMaxRecentWeight == 0 ? 0
                    : Math.log1p(item.recentWeight()) / s.logMaxRecentWeight;
            case CATEGORY_POPULARITY -> item == null ? 0 : share(s.categoryWeight, item.topCategory(), s.totalWeight);
            case USER_ACTIVITY -> Math.min(1d, Math.log1p(user.eventCount) / 10d);
            case ITEM_PRICE_LOG -> item == null || Double.isNaN(item.price()) ? 0 : Math.log1p(item.price()) / 10d;
            case USER_PRICE_FIT -> item == null || Double.isNaN(item.lnPrice()) || Double.isNaN(user.meanLnPrice) ? 0.5
                    : 1d / (1d + Math.abs(item.lnPrice() - user.meanLnPrice));
            case USER_RECENCY_CATEGORY -> item == null ? 0
                    : share(user.recentTopWeight, item.topCategory(), user.recentTotalWeight);
            case USER_ITEM_PURCHASED -> user.purchased.contains(itemId) ? 1 : 0;
            case USER_ITEM_RECENCY -> {
                Instant last = itemId == null ? null : user.lastSeen.get(itemId);
                if (last == null) {
                    yield 0;
                }
                double days = Math.max(0, Duration.between(last, user.reference).getSeconds()) / SECONDS_PER_DAY;
                yield 1d / (1d + days);
            }
            case ITEM_AVAILABLE -> item != null && item.available() ? 1 : 0;
            case ITEM_KNOWN -> item != null ? 1 : 0;
        };
    }

    /** part[key] / total; 0 for an empty key (no category is not a shared category) or an empty total. */
    private static double share(Map<String, Double> part, String key, double total) {
        if (total <= 0 || key == null || key.isEmpty()) {
            return 0;
        }
        return part.getOrDefault(key, 0d) / total;
    }

    /** Per-request aggregates of the user's history, computed once per extract call. */
    private static final class UserProfile {
        final int eventCount;
        final Map<String, Double> itemWeight = new HashMap<>();
        final Map<String, Instant> lastSeen = new HashMap<>();
        final Set<String> purchased = new HashSet<>();
        final Map<String, Double> topWeight = new HashMap<>();
        final Map<String, Double> pathWeight = new HashMap<>();
        final Map<String, Double> recentTopWeight = new HashMap<>();
        double totalWeight;
        double recentTotalWeight;
        final double meanLnPrice;
        final Instant reference;

        UserProfile(Snapshot s, List<Event> history) {
            eventCount = history.size();
            // Newest first, ties by id: the order callers pass must not change the features.
            List<Event> events = new ArrayList<>(history);
            events.sort(Comparator.comparing(Event::timestamp).reversed().thenComparing(Event::id));
            Instant newest = s.asOf();
            int recentSeen = 0;
            Map<String, Double> distinctLnPrice = new HashMap<>();
            for (Event e : events) {
                if (e.timestamp().isAfter(newest)) {
                    newest = e.timestamp();
                }
                String itemId = e.itemId();
                if (itemId == null) {
                    continue;
                }
                double w = weight(e.type());
                itemWeight.merge(itemId, w, Double::sum);
                lastSeen.merge(itemId, e.timestamp(), (a, b) -> a.isAfter(b) ? a : b);
                if (e.type() == EventType.PURCHASE) {
                    purchased.add(itemId);
                }
                totalWeight += w;
                Snapshot.ItemStats item = s.items.get(itemId);
                boolean recent = recentSeen++ < RECENT_EVENTS;
                if (recent) {
                    recentTotalWeight += w;
                }
                if (item == null) {
                    continue;
                }
                if (!item.topCategory().isEmpty()) {
                    topWeight.merge(item.topCategory(), w, Double::sum);
                    pathWeight.merge(item.category(), w, Double::sum);
                    if (recent) {
                        recentTopWeight.merge(item.topCategory(), w, Double::sum);
                    }
                }
                if (!Double.isNaN(item.lnPrice())) {
                    distinctLnPrice.put(itemId, item.lnPrice());
                }
            }
            meanLnPrice = distinctLnPrice.isEmpty() ? Double.NaN
                    : distinctLnPrice.values().stream().mapToDouble(Double::doubleValue).sum() / distinctLnPrice.size();
            reference = newest;
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

        @Override
        public void accept(Event e) {
            count++;
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
            n++;
        }

        Snapshot build(Map<String, Item> catalogue) {
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
            for (Item item : catalogue.values()) {
                Integer at = index.get(item.id());
                double w = at == null ? 0 : weight[at];
                double r = at == null ? 0 : recent[at];
                double price = item.price() == null ? Double.NaN : item.price().doubleValue();
                double lnPrice = price > 0 ? Math.log(price) : Double.NaN;
                stats.put(item.id(), new Snapshot.ItemStats(item.topCategory(), item.category(), price, lnPrice,
                        item.available(), w, r));
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
            return new Snapshot(stats, categoryWeight, total, maxWeight, maxRecent, asOf, count);
        }
    }
}
