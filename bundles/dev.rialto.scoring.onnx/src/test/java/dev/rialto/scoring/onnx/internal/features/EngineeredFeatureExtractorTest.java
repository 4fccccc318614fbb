package dev.rialto.scoring.onnx.internal.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EngineeredFeatureExtractorTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final float EPS = 1e-6f;

    private final EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
    private final AtomicInteger ids = new AtomicInteger();

    private final Map<String, Item> catalogue = Stream.of(
            item("pan", "Kitchen > Cookware", "40"),
            item("knife", "Kitchen > Cutlery", "20"),
            item("pot", "Kitchen > Cookware", "60"),
            item("rake", "Garden > Tools", "25"),
            item("hose", "Garden > Watering", "30"),
            item("free", "Books", "0"),
            item("nameless", "", null))
            .collect(Collectors.toMap(Item::id, Function.identity()));

    private static Item item(String id, String category, String price) {
        return new Item(id, id, "", category, price == null ? null : new BigDecimal(price), null, true, "en", Map.of());
    }

    private Event event(String user, EventType type, String item, Duration ago) {
        return new Event("e" + ids.incrementAndGet(), type, user, item, 1, NOW.minus(ago));
    }

    private float[][] extract(FeatureSnapshot snapshot, List<Event> history, List<String> items, List<String> names) {
        FloatBuffer out = FloatBuffer.allocate(items.size() * names.size());
        extractor.extract(snapshot, history, items, names, out);
        assertEquals(0, out.remaining(), "every cell written");
        float[][] rows = new float[items.size()][names.size()];
        for (int r = 0; r < items.size(); r++) {
            for (int c = 0; c < names.size(); c++) {
                rows[r][c] = out.get(r * names.size() + c);
            }
        }
        return rows;
    }

    private float feature(FeatureSnapshot s, List<Event> history, String item, Feature f) {
        return extract(s, history, List.of(item), List.of(f.featureName()))[0][0];
    }

    @Test
    void aUserWhoOnlyBuysKitchenItemsHasFullKitchenAffinityAndNoGardenAffinity() {
        List<Event> history = List.of(
                event("u1", EventType.PURCHASE, "pan", Duration.ofDays(1)),
                event("u1", EventType.PURCHASE, "knife", Duration.ofDays(2)),
                event("u1", EventType.VIEW, "pot", Duration.ofDays(3)));
        FeatureSnapshot s = extractor.snapshot(catalogue, history);

        assertEquals(1f, feature(s, history, "pot", Feature.USER_CATEGORY_AFFINITY), EPS);
        assertEquals(0f, feature(s, history, "rake", Feature.USER_CATEGORY_AFFINITY), EPS);
        assertEquals(1f, feature(s, history, "pot", Feature.USER_RECENCY_CATEGORY), EPS);
        assertEquals(0f, feature(s, history, "hose", Feature.USER_RECENCY_CATEGORY), EPS);
        // Subcategory: pan (5) and pot (1) are Cookware, knife (5) is Cutlery.
        assertEquals(6f / 11f, feature(s, history, "pot", Feature.USER_SUBCATEGORY_AFFINITY), EPS);
        assertEquals(5f / 11f, feature(s, history, "knife", Feature.USER_SUBCATEGORY_AFFINITY), EPS);
    }

    @Test
    void categoryAffinityIsWeightedByEventType() {
        // One Kitchen purchase (5) against three Garden views (3): 5 / 8.
        List<Event> history = List.of(
                event("u1", EventType.PURCHASE, "pan", Duration.ofDays(1)),
                event("u1", EventType.VIEW, "rake", Duration.ofDays(2)),
                event("u1", EventType.VIEW, "hose", Duration.ofDays(3)),
                event("u1", EventType.VIEW, "rake", Duration.ofDays(4)),
                event("u1", EventType.SEARCH, null, Duration.ofDays(5)));
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        assertEquals(5f / 8f, feature(s, history, "knife", Feature.USER_CATEGORY_AFFINITY), EPS);
        assertEquals(3f / 8f, feature(s, history, "rake", Feature.USER_CATEGORY_AFFINITY), EPS);
        assertEquals((float) (Math.log1p(5) / 10), feature(s, history, "rake", Feature.USER_ACTIVITY), EPS);
    }

    @Test
    void recencyCategoryOnlySeesTheTenMostRecentItemEvents() {
        List<Event> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(event("u1", EventType.VIEW, "rake", Duration.ofHours(i + 1)));
        }
        for (int i = 0; i < 30; i++) {
            history.add(event("u1", EventType.VIEW, "pan", Duration.ofDays(10 + i)));
        }
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        assertEquals(1f, feature(s, history, "hose", Feature.USER_RECENCY_CATEGORY), EPS);
        assertEquals(0f, feature(s, history, "pot", Feature.USER_RECENCY_CATEGORY), EPS);
        assertEquals(30f / 40f, feature(s, history, "pot", Feature.USER_CATEGORY_AFFINITY), EPS);
    }

    @Test
    void buyAgainCountsTheUsersOwnEventsOnTheItem() {
        List<Event> history = List.of(
                event("u1", EventType.PURCHASE, "knife", Duration.ofDays(1)),
                event("u1", EventType.PURCHASE, "knife", Duration.ofDays(20)),
                event("u1", EventType.ADD_TO_CART, "knife", Duration.ofDays(21)),
                event("u1", EventType.VIEW, "pan", Duration.ofDays(3)));
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        assertEquals((float) Math.log1p(13), feature(s, history, "knife", Feature.USER_ITEM_AFFINITY), EPS);
        assertEquals((float) Math.log1p(1), feature(s, history, "pan", Feature.USER_ITEM_AFFINITY), EPS);
        assertEquals(0f, feature(s, history, "pot", Feature.USER_ITEM_AFFINITY), EPS);
        assertEquals(1f, feature(s, history, "knife", Feature.USER_ITEM_PURCHASED), EPS);
        assertEquals(0f, feature(s, history, "pan", Feature.USER_ITEM_PURCHASED), EPS);
        // Last seen 1 day before the newest event (which is that same purchase): recency 1.
        assertEquals(1f, feature(s, history, "knife", Feature.USER_ITEM_RECENCY), EPS);
        assertEquals(1f / 3f, feature(s, history, "pan", Feature.USER_ITEM_RECENCY), EPS);
    }

    @Test
    void popularityIsRelativeToTheMostPopularItemAndTheLastSevenDays() {
        List<Event> events = new ArrayList<>();
        events.add(event("a", EventType.PURCHASE, "pan", Duration.ofDays(30)));   // pan 5, old
        events.add(event("b", EventType.PURCHASE, "pan", Duration.ofDays(30)));   // pan 10, old
        events.add(event("a", EventType.VIEW, "rake", Duration.ofDays(1)));       // rake 1, recent
        events.add(event("b", EventType.VIEW, "rake", Duration.ofDays(2)));       // rake 2, recent
        events.add(event("c", EventType.EMAIL_OPEN, null, Duration.ZERO));        // asOf = NOW, no item
        FeatureSnapshot s = extractor.snapshot(catalogue, events);
        assertEquals(NOW, s.asOf());
        assertEquals(5, s.eventCount());
        List<Event> none = List.of();
        assertEquals(1f, feature(s, none, "pan", Feature.ITEM_POPULARITY), EPS);
        assertEquals((float) (Math.log1p(2) / Math.log1p(10)), feature(s, none, "rake", Feature.ITEM_POPULARITY), EPS);
        assertEquals(0f, feature(s, none, "pot", Feature.ITEM_POPULARITY), EPS);
        assertEquals(0f, feature(s, none, "pan", Feature.ITEM_RECENT_POPULARITY), EPS);
        assertEquals(1f, feature(s, none, "rake", Feature.ITEM_RECENT_POPULARITY), EPS);
        assertEquals(10f / 12f, feature(s, none, "knife", Feature.CATEGORY_POPULARITY), EPS);
        assertEquals(2f / 12f, feature(s, none, "hose", Feature.CATEGORY_POPULARITY), EPS);
    }

    @Test
    void priceFeatures() {
        List<Event> history = List.of(
                event("u1", EventType.VIEW, "pan", Duration.ofDays(1)),     // 40
                event("u1", EventType.VIEW, "knife", Duration.ofDays(2)),   // 20
                event("u1", EventType.VIEW, "free", Duration.ofDays(3)),    // 0: no log price
                event("u1", EventType.VIEW, "knife", Duration.ofDays(4)));  // counted once: distinct items
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        double mean = (Math.log(40) + Math.log(20)) / 2;
        assertEquals((float) (1 / (1 + Math.abs(Math.log(60) - mean))), feature(s, history, "pot", Feature.USER_PRICE_FIT), EPS);
        assertEquals(0.5f, feature(s, history, "nameless", Feature.USER_PRICE_FIT), EPS);
        assertEquals(0.5f, feature(s, history, "free", Feature.USER_PRICE_FIT), EPS);
        assertEquals((float) (Math.log1p(60) / 10), feature(s, history, "pot", Feature.ITEM_PRICE_LOG), EPS);
        assertEquals(0f, feature(s, history, "free", Feature.ITEM_PRICE_LOG), EPS);
        assertEquals(0f, feature(s, history, "nameless", Feature.ITEM_PRICE_LOG), EPS);
    }

    @Test
    void unknownUserAndUnknownItemGetDefinedValuesNeverNaN() {
        List<Event> events = List.of(event("a", EventType.PURCHASE, "pan", Duration.ofDays(1)));
        FeatureSnapshot s = extractor.snapshot(catalogue, events);
        float[][] rows = extract(s, List.of(), List.of("pan", "ghost", "nameless"), Feature.ITEM_NAMES);
        for (float[] row : rows) {
            for (float v : row) {
                assertTrue(Float.isFinite(v), "finite: " + v);
            }
        }
        int affinity = Feature.ITEM_NAMES.indexOf("user_category_affinity");
        int fit = Feature.ITEM_NAMES.indexOf("user_price_fit");
        int known = Feature.ITEM_NAMES.indexOf("item_known");
        int popularity = Feature.ITEM_NAMES.indexOf("item_popularity");
        assertEquals(0f, rows[0][affinity]);
        assertEquals(0.5f, rows[0][fit]);
        assertEquals(1f, rows[0][popularity], EPS);
        assertEquals(1f, rows[0][known]);
        // The unknown item: everything 0 but the neutral price fit.
        for (int c = 0; c < Feature.ITEM_NAMES.size(); c++) {
            assertEquals(c == fit ? 0.5f : 0f, rows[1][c], "ghost " + Feature.ITEM_NAMES.get(c));
        }

        // An empty snapshot (no catalogue, no events) is fine too.
        FeatureSnapshot empty = extractor.snapshot(Map.of(), List.of());
        assertEquals(Instant.EPOCH, empty.asOf());
        float[][] cold = extract(empty, events, List.of("pan"), Feature.ITEM_NAMES);
        for (float v : cold[0]) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void writesTheRequestedColumnsInOrderFromTheBufferPosition() {
        List<Event> history = List.of(event("u1", EventType.PURCHASE, "pan", Duration.ofDays(1)));
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        FloatBuffer out = FloatBuffer.allocate(7);
        out.put(-1f);
        extractor.extract(s, history, List.of("pot", "rake"), List.of("item_known", "user_category_affinity",
                "user_price_fit"), out);
        assertEquals(7, out.position());
        assertEquals(-1f, out.get(0));
        float pot = (float) (1 / (1 + Math.abs(Math.log(60) - Math.log(40))));
        float rake = (float) (1 / (1 + Math.abs(Math.log(25) - Math.log(40))));
        float[] expected = {1f, 1f, pot, 1f, 0f, rake};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.get(1 + i), EPS, "cell " + i);
        }
    }

    @Test
    void theOrderOfTheHistoryDoesNotChangeTheFeatures() {
        List<Event> history = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            history.add(event("u1", i % 3 == 0 ? EventType.PURCHASE : EventType.VIEW,
                    List.of("pan", "rake", "knife", "hose").get(i % 4), Duration.ofHours(i * 7L)));
        }
        FeatureSnapshot s = extractor.snapshot(catalogue, history);
        List<String> items = List.of("pan", "pot", "rake", "hose", "ghost");
        float[][] newestFirst = extract(s, history, items, Feature.ITEM_NAMES);
        List<Event> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, new java.util.Random(7));
        float[][] anyOrder = extract(s, shuffled, items, Feature.ITEM_NAMES);
        for (int r = 0; r < items.size(); r++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(newestFirst[r], anyOrder[r]);
        }
    }

    @Test
    void behaviourFeatureIsTheDotProductOfTheTrainedOrTheFoldedInUserVector() {
        // Two dimensions: pan and rake orthogonal, knife between them, hose without a vector.
        Map<String, float[]> items = Map.of("pan", new float[] {1f, 0f}, "rake", new float[] {0f, 1f},
                "knife", new float[] {0.5f, 0.5f}, "pot", new float[] {0.2f, -0.4f});
        BehaviourVectors vectors = new BehaviourVectors("behaviour-ials", "7", 2, items,
                Map.of("known", new float[] {2f, -1f}), 0.1, NOW);
        List<Event> known = List.of(event("known", EventType.PURCHASE, "rake", Duration.ofDays(1)));
        List<Event> fresh = List.of(event("fresh", EventType.PURCHASE, "pan", Duration.ofDays(1)),
                event("fresh", EventType.PURCHASE, "pan", Duration.ofDays(2)),
                event("fresh", EventType.VIEW, "hose", Duration.ofDays(3)));
        List<Event> all = new ArrayList<>(known);
        all.addAll(fresh);
        FeatureSnapshot s = extractor.snapshot(catalogue, all, vectors);
        assertTrue(s.toString().contains("behaviour-ials@7"), s.toString());

        // The trained vector is used as published, whatever the history holds.
        assertEquals(2f, feature(s, known, "pan", Feature.USER_ITEM_BEHAVIOUR), EPS);
        assertEquals(-1f, feature(s, known, "rake", Feature.USER_ITEM_BEHAVIOUR), EPS);
        assertEquals(0.5f, feature(s, known, "knife", Feature.USER_ITEM_BEHAVIOUR), EPS);
        assertEquals(0f, feature(s, known, "hose", Feature.USER_ITEM_BEHAVIOUR), "no item vector");
        assertEquals(0f, feature(s, known, "ghost", Feature.USER_ITEM_BEHAVIOUR), "unknown item");

        // A user not in the set is folded in from the history (pan, weight 5 + 5; hose has no vector):
        // (YᵀY + (c - 1) pan panᵀ + λI) x = c pan, c = 1 + 10 log1p(10); YᵀY over all four published items.
        double c = 1 + Behaviour.ALPHA * Math.log1p(2 * EngineeredFeatureExtractor.weight(EventType.PURCHASE));
        double a11 = 1 + 0.25 + 0.04 + (c - 1) + 0.1;
        double a12 = 0.25 - 0.08;
        double a22 = 1 + 0.25 + 0.16 + 0.1;
        double det = a11 * a22 - a12 * a12;
        double x1 = a22 * c / det;
        double x2 = -a12 * c / det;
        assertEquals((float) x1, feature(s, fresh, "pan", Feature.USER_ITEM_BEHAVIOUR), 1e-5f);
        assertEquals((float) x2, feature(s, fresh, "rake", Feature.USER_ITEM_BEHAVIOUR), 1e-5f);
        assertEquals((float) (0.2 * x1 - 0.4 * x2), feature(s, fresh, "pot", Feature.USER_ITEM_BEHAVIOUR), 1e-5f);
        assertTrue(feature(s, fresh, "pan", Feature.USER_ITEM_BEHAVIOUR)
                > feature(s, fresh, "rake", Feature.USER_ITEM_BEHAVIOUR), "the user's own item ranks first");

        // No history, or no vectors at all: 0.
        assertEquals(0f, feature(s, List.of(), "pan", Feature.USER_ITEM_BEHAVIOUR));
        FeatureSnapshot without = extractor.snapshot(catalogue, all);
        assertEquals(0f, feature(without, known, "pan", Feature.USER_ITEM_BEHAVIOUR));
        assertEquals(0f, feature(without, fresh, "pan", Feature.USER_ITEM_BEHAVIOUR));
    }

    @Test
    void repeatFeaturesTellRepeatItemsAndTheUsersOwnReorders() {
        List<Event> events = new ArrayList<>();
        // pan: a, b and c bought it, a and b on two different days (c twice on one day): 2 / (3 + 1).
        events.add(event("a", EventType.PURCHASE, "pan", Duration.ofDays(10)));
        events.add(event("a", EventType.PURCHASE, "pan", Duration.ofDays(3)));
        events.add(event("b", EventType.PURCHASE, "pan", Duration.ofDays(9)));
        events.add(event("b", EventType.PURCHASE, "pan", Duration.ofDays(1)));
        events.add(event("c", EventType.PURCHASE, "pan", Duration.ofDays(5)));
        events.add(event("c", EventType.PURCHASE, "pan", Duration.ofDays(5).plusMinutes(3)));
        // rake: viewed on many days but bought once: views are not re-orders.
        events.add(event("a", EventType.VIEW, "rake", Duration.ofDays(8)));
        events.add(event("a", EventType.VIEW, "rake", Duration.ofDays(2)));
        events.add(event("a", EventType.PURCHASE, "rake", Duration.ofDays(2)));
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new java.util.Random(3));
        FeatureSnapshot s = extractor.snapshot(catalogue, shuffled);
        List<Event> a = events.stream().filter(e -> e.userId().equals("a")).toList();
        List<Event> c = events.stream().filter(e -> e.userId().equals("c")).toList();

        assertEquals(0.5f, feature(s, a, "pan", Feature.ITEM_REPEAT_RATE), EPS);
        assertEquals(0f, feature(s, a, "rake", Feature.ITEM_REPEAT_RATE), EPS);
        assertEquals(0f, feature(s, a, "pot", Feature.ITEM_REPEAT_RATE), "never bought");
        assertEquals(0.5f, feature(s, a, "pan", Feature.USER_ITEM_REPEAT), EPS);
        assertEquals(0.5f, feature(s, c, "pan", Feature.USER_ITEM_REPEAT), EPS);
        assertEquals(0f, feature(s, List.of(), "pan", Feature.USER_ITEM_REPEAT), "not the user's item");
        assertEquals((float) (Math.log1p(2) / Math.log1p(30)), feature(s, a, "pan", Feature.USER_ITEM_PURCHASE_DAYS),
                EPS);
        assertEquals((float) (Math.log1p(1) / Math.log1p(30)), feature(s, c, "pan", Feature.USER_ITEM_PURCHASE_DAYS),
                EPS, "two purchases on one day are one day");
        assertEquals((float) (Math.log1p(1) / Math.log1p(30)), feature(s, a, "rake", Feature.USER_ITEM_PURCHASE_DAYS),
                EPS);
        assertEquals(0f, feature(s, c, "rake", Feature.USER_ITEM_PURCHASE_DAYS));

        // Decayed buy-again: a's pan purchases 10 and 3 days ago, weight 5 each, halved every 30 days before the
        // snapshot's asOf (b's purchase 1 day ago, later than a's newest event).
        double pan = 5 * Math.pow(0.5, 9 / 30d) + 5 * Math.pow(0.5, 2 / 30d);
        assertEquals((float) Math.log1p(pan), feature(s, a, "pan", Feature.USER_ITEM_DECAYED_AFFINITY), EPS);
        assertTrue(feature(s, a, "pan", Feature.USER_ITEM_DECAYED_AFFINITY)
                < feature(s, a, "pan", Feature.USER_ITEM_AFFINITY), "older events count less");
        assertEquals(0f, feature(s, a, "pot", Feature.USER_ITEM_DECAYED_AFFINITY));
    }

    @Test
    void anUnknownFeatureNameIsRefusedByName() {
        FeatureSnapshot s = extractor.snapshot(catalogue, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> extract(s, List.of(), List.of("pan"), List.of("item_popularity", "user_zodiac_sign")));
        assertTrue(e.getMessage().contains("user_zodiac_sign"), e.getMessage());
    }

    @Test
    void featureNamesAreTheDocumentedOnes() {
        assertTrue(extractor.featureNames().containsAll(List.of("user_category_affinity", "user_subcategory_affinity",
                "user_item_affinity", "item_popularity", "item_recent_popularity", "category_popularity",
                "user_activity", "item_price_log", "user_price_fit", "user_recency_category")));
    }
}
