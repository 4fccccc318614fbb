package dev.rialto.scoring.onnx.internal.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The precomputed-column extraction against the original per-row one ({@link ReferenceFeatures}) on random,
 * demo-like shops: every cell must be bit for bit the same.
 */
class PrecomputedColumnsTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();

    @Test
    void everyCellEqualsTheReferenceBitForBit() {
        for (int seed = 1; seed <= 6; seed++) {
            Random random = new Random(seed);
            Map<String, Item> catalogue = catalogue(random, 150 + random.nextInt(250));
            List<String> ids = new ArrayList<>(catalogue.keySet());
            Collections.sort(ids);
            Map<String, List<Event>> byUser = new HashMap<>();
            List<Event> all = events(random, ids, 80, 4_000, byUser);
            // Even seeds with behaviour vectors: half the users trained, the others folded in.
            Snapshot snapshot = (Snapshot) (seed % 2 == 0
                    ? extractor.snapshot(catalogue, all, vectors(random, ids, byUser.keySet(), 8))
                    : extractor.snapshot(catalogue, all));

            List<String> users = new ArrayList<>(byUser.keySet());
            Collections.sort(users);
            users.add("nobody");
            for (int u = 0; u < users.size(); u += 3) {
                List<Event> history = new ArrayList<>(byUser.getOrDefault(users.get(u), List.of()));
                history.sort((a, b) -> b.timestamp().compareTo(a.timestamp()));
                history = history.subList(0, Math.min(history.size(), 100));
                List<String> candidates = candidates(random, ids, history);
                List<String> features = new ArrayList<>(Feature.NAMES);
                if (u % 2 == 1) {
                    Collections.shuffle(features, random);
                    features = features.subList(0, 1 + random.nextInt(features.size()));
                }
                assertSame(snapshot, history, candidates, features, "seed " + seed + ", user " + users.get(u));
            }
        }
    }

    /** Random vectors for most items and every other user (sorted), as a trainer would publish them. */
    static BehaviourVectors vectors(Random random, List<String> items, java.util.Set<String> users, int d) {
        Map<String, float[]> itemVectors = new HashMap<>();
        for (String id : items) {
            if (random.nextInt(10) > 0) {
                itemVectors.put(id, randomVector(random, d));
            }
        }
        Map<String, float[]> userVectors = new HashMap<>();
        List<String> sorted = new ArrayList<>(users);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i += 2) {
            userVectors.put(sorted.get(i), randomVector(random, d));
        }
        return new BehaviourVectors("behaviour-ials", "1", d, itemVectors, userVectors, 0.1, NOW);
    }

    private static float[] randomVector(Random random, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) (random.nextGaussian() * 0.3);
        }
        return v;
    }

    @Test
    void longHistoriesAgreeInStoreOrderAndShuffled() {
        for (int seed = 11; seed <= 12; seed++) {
            Random random = new Random(seed);
            Map<String, Item> catalogue = catalogue(random, 600);
            List<String> ids = new ArrayList<>(catalogue.keySet());
            Collections.sort(ids);
            Map<String, List<Event>> byUser = new HashMap<>();
            // Two users share 2,600 events: long histories with many repeats and timestamp ties.
            List<Event> all = events(random, ids, 2, 2_600, byUser);
            Snapshot snapshot = (Snapshot) (seed % 2 == 0
                    ? extractor.snapshot(catalogue, all, vectors(random, ids, java.util.Set.of("u1"), 8))
                    : extractor.snapshot(catalogue, all));
            for (String user : List.of("u0", "u1")) {
                // As the store returns it: newest first, ties by id, at most 1,000.
                List<Event> history = new ArrayList<>(byUser.get(user));
                history.sort(java.util.Comparator.comparing(Event::timestamp).reversed()
                        .thenComparing(Event::id));
                history = history.subList(0, Math.min(history.size(), 1_000));
                List<String> candidates = candidates(random, ids, history);
                assertSame(snapshot, history, candidates, Feature.NAMES, "seed " + seed + ", " + user + ", in order");
                // The SQL store's order: ties by id descending (each run of ties re-sorted).
                List<Event> store = new ArrayList<>(history);
                store.sort(java.util.Comparator.comparing(Event::timestamp).thenComparing(Event::id).reversed());
                assertSame(snapshot, store, candidates, Feature.NAMES, "seed " + seed + ", " + user + ", store order");
                List<Event> shuffled = new ArrayList<>(history);
                Collections.shuffle(shuffled, random);
                assertSame(snapshot, shuffled, candidates, Feature.NAMES, "seed " + seed + ", " + user + ", shuffled");
            }
        }
    }

    @Test
    void emptySnapshotsAndHistoriesAgreeToo() {
        Random random = new Random(3);
        Map<String, Item> catalogue = catalogue(random, 40);
        List<String> ids = new ArrayList<>(catalogue.keySet());
        Map<String, List<Event>> byUser = new HashMap<>();
        List<Event> all = events(random, ids, 5, 200, byUser);
        Snapshot empty = (Snapshot) extractor.snapshot(Map.of(), List.of());
        Snapshot noEvents = (Snapshot) extractor.snapshot(catalogue, List.of());
        List<String> candidates = candidates(random, ids, all);
        assertSame(empty, all.subList(0, 50), candidates, Feature.NAMES, "empty snapshot");
        assertSame(noEvents, all.subList(0, 50), candidates, Feature.NAMES, "no events");
        assertSame(noEvents, List.of(), candidates, Feature.NAMES, "no events, no history");
    }

    private void assertSame(Snapshot snapshot, List<Event> history, List<String> candidates, List<String> features,
            String what) {
        int cells = candidates.size() * features.size();
        FloatBuffer actual = FloatBuffer.allocate(cells + 3);
        FloatBuffer expected = FloatBuffer.allocate(cells + 3);
        actual.put(7f);
        expected.put(7f);
        extractor.extract(snapshot, history, candidates, features, actual);
        ReferenceFeatures.extract(snapshot, history, candidates, features, expected);
        assertEquals(expected.position(), actual.position(), what + ": position");
        for (int i = 0; i < cells + 1; i++) {
            int row = (i - 1) / features.size();
            assertEquals(Float.floatToIntBits(expected.get(i)), Float.floatToIntBits(actual.get(i)),
                    () -> what + ": row " + row + " (" + (row < 0 ? "-" : candidates.get(row)) + ")");
        }
    }

    private static Map<String, Item> catalogue(Random random, int size) {
        String[] tops = {"Kitchen", "Garden", "Books", "Toys", "Lighting", "Gifts"};
        Map<String, Item> items = new HashMap<>();
        for (int i = 0; i < size; i++) {
            String category = switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> tops[random.nextInt(tops.length)];
                default -> tops[random.nextInt(tops.length)] + " > Sub " + random.nextInt(5);
            };
            BigDecimal price = switch (random.nextInt(10)) {
                case 0 -> null;
                case 1 -> BigDecimal.ZERO;
                default -> BigDecimal.valueOf(50 + random.nextInt(50_000), 2);
            };
            String id = "item-" + i;
            items.put(id, new Item(id, id, "", category, price, null, random.nextInt(6) > 0, "en", Map.of()));
        }
        return items;
    }

    private static List<Event> events(Random random, List<String> ids, int users, int count,
            Map<String, List<Event>> byUser) {
        EventType[] types = EventType.values();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventType type = random.nextInt(3) == 0 ? types[random.nextInt(types.length)]
                    : random.nextInt(4) == 0 ? EventType.PURCHASE : EventType.VIEW;
            String item = !type.needsItem() && random.nextBoolean() ? null
                    // Popular items first (a skewed shop), and a few uncatalogued ones.
                    : random.nextInt(30) == 0 ? "gone-" + random.nextInt(10)
                    : ids.get((int) (ids.size() * Math.pow(random.nextDouble(), 2.5)));
            String user = "u" + (int) (users * Math.pow(random.nextDouble(), 1.5));
            // Whole seconds and some exact ties, as imported shops have.
            Instant at = NOW.minus(Duration.ofSeconds(random.nextInt(60 * 86_400)));
            Event event = new Event("e" + i, type, user, item, 1 + random.nextInt(3), at);
            events.add(event);
            byUser.computeIfAbsent(user, k -> new ArrayList<>()).add(event);
        }
        return events;
    }

    /** Catalogue items, some the user saw, some repeated, an unknown one and a null. */
    private static List<String> candidates(Random random, List<String> ids, List<Event> history) {
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            candidates.add(ids.get(random.nextInt(ids.size())));
        }
        for (Event e : history.subList(0, Math.min(20, history.size()))) {
            candidates.add(e.itemId());
        }
        candidates.add("ghost");
        candidates.add("gone-1");
        candidates.add(null);
        Collections.shuffle(candidates, random);
        return candidates;
    }
}
