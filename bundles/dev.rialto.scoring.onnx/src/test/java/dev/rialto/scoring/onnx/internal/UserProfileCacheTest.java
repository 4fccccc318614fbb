package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.features.UserFeatures;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-user aggregates kept between requests: a cached scorer must score exactly (bit for bit) as a scorer that
 * recomputes every time, through random appends, erasures and snapshot rebuilds, while actually serving from the
 * cache; and the cache's own rules (stamps, budget).
 */
class UserProfileCacheTest {
    private static final String VERSION = "20261101T000000000Z";
    private static final EventType[] TYPES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART,
        EventType.PURCHASE, EventType.PURCHASE};

    @TempDir
    Path models;

    private static BehaviourVectors vectors(World world) {
        Random random = new Random(3);
        Map<String, float[]> items = new HashMap<>();
        for (String id : world.itemIds) {
            items.put(id, new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()});
        }
        Map<String, float[]> users = new HashMap<>();
        for (int u = 0; u < world.users.size(); u += 3) { // the others are folded in from their history
            users.put(world.users.get(u), new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()});
        }
        return new BehaviourVectors("behaviour-ials", "1", 3, items, users, 0.1, World.NOW);
    }

    @Test
    void cachedScoresEqualFreshOnesBitForBitThroughAppendsErasuresAndRebuilds() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        BehaviourVectors published = vectors(world);
        TribuoRanker ranker = TribuoRanker.train(world, extractor,
                extractor.snapshot(world.catalogue(), world.events.all(), published), false);
        assertTrue(ranker.columns.contains("user_item_behaviour"), ranker.columns.toString());
        ranker.write(models, "ranker", VERSION);
        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        OnnxInterestScorer cached = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        OnnxInterestScorer fresh = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        try {
            for (OnnxInterestScorer scorer : List.of(cached, fresh)) {
                scorer.setBehaviour(() -> Optional.of(published));
            }
            cached.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
            fresh.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0,
                    "profile.cache.mb", 0)));
            cached.refreshSnapshot();

            Random random = new Random(17);
            List<String> users = new ArrayList<>(world.users);
            users.add("newcomer-1"); // no history at first
            users.add("newcomer-2");
            List<String> candidates = new ArrayList<>(world.itemIds);
            candidates.add("not-catalogued-1");
            int next = 0;
            int erasures = 0;
            int appends = 0;
            int skipped = 0;
            for (int step = 0; step < 400; step++) {
                double dice = random.nextDouble();
                String who = users.get(random.nextInt(users.size()));
                if (dice < 0.3) {
                    List<Event> batch = new ArrayList<>();
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        String item = random.nextInt(20) == 0 ? "not-catalogued-" + random.nextInt(2)
                                : world.itemIds.get(random.nextInt(world.itemIds.size()));
                        batch.add(new Event("x" + next++, TYPES[random.nextInt(TYPES.length)], who, item, 1,
                                World.NOW.plus(Duration.ofMinutes(random.nextInt(3 * 24 * 60) - 24 * 60))));
                    }
                    world.events.append(batch);
                    cached.eventsStored(batch);
                    fresh.eventsStored(batch);
                    appends++;
                } else if (dice < 0.35) {
                    List<Event> gone = world.events.deleteUser(who);
                    UserData erased = new UserData(who, null, gone, List.of());
                    cached.userDeleted(erased);
                    fresh.userDeleted(erased);
                    erasures++;
                } else if (dice < 0.38) {
                    cached.refreshSnapshot(); // shared by both
                }
                for (int r = 0; r < 3; r++) {
                    // Mostly the same few users: repeated requests are what the cache is for.
                    String user = users.get(random.nextInt(r == 0 ? users.size() : 6));
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 12; i++) {
                        ids.add(candidates.get(random.nextInt(candidates.size())));
                    }
                    FeatureSnapshot before = cached.snapshot();
                    Map<String, Double> expected = fresh.score(user, ids).scores();
                    Map<String, Double> actual = cached.score(user, ids).scores();
                    if (cached.snapshot() != before) {
                        // The activations' own background builds may land between the two calls.
                        System.err.println("SKIPPED step " + step);
                        skipped++;
                        continue;
                    }
                    assertEquals(expected.keySet(), actual.keySet());
                    for (String id : expected.keySet()) {
                        assertEquals(Double.doubleToRawLongBits(expected.get(id)),
                                Double.doubleToRawLongBits(actual.get(id)), "step " + step + " " + user + " " + id);
                    }
                }
            }
            assertTrue(appends > 50 && erasures > 5 && skipped < 10, appends + " appends, " + erasures
                    + " erasures, " + skipped + " pairs across a rebuild");
            long[] stats = cached.profileCacheStats();
            assertTrue(stats[0] > 300, "hits " + stats[0] + ", misses " + stats[1]);
            assertTrue(stats[4] > 20, "updated from the window " + stats[4] + " times, gave up " + stats[5]);
            assertEquals(0, fresh.profileCacheStats()[0]);
            assertEquals(0, fresh.profileCacheStats()[2]);
        } finally {
            cached.deactivate();
            fresh.deactivate();
            registry.deactivate();
        }
    }

    @Test
    void withoutUpdatesAWarmRequestDoesNotReadTheStoreAndANewEventMakesItColdAgain() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        OnnxModelRegistry registry = trainedRegistry(world, extractor);
        OnnxInterestScorer scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        try {
            // Without updates, a new event drops the user's entry.
            scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0,
                    "profile.updates", false)));
            // The one background build at activation (a later one would make every user cold, legitimately).
            awaitBuilt(scorer, world.events.count());
            String user = "user-1"; // favourite Garden
            List<String> items = List.of("garden-0-1", "kitchen-0-1");
            Map<String, Double> first = scorer.score(user, items).scores();
            int reads = world.events.recentCalls;
            assertEquals(first, scorer.score(user, items).scores());
            assertEquals(reads, world.events.recentCalls, "a warm request reads no history");

            // Stored but not reported by the change feed: the cache does not know (which is why it listens).
            List<Event> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                burst.add(new Event("k" + i, EventType.PURCHASE, user, "kitchen-0-1", 1, World.NOW.plusSeconds(i)));
            }
            world.events.append(burst);
            assertEquals(first, scorer.score(user, items).scores());
            scorer.eventsStored(burst);
            Map<String, Double> after = scorer.score(user, items).scores();
            assertEquals(reads + 1, world.events.recentCalls);
            assertNotEquals(first.get("kitchen-0-1"), after.get("kitchen-0-1"));

            // A new snapshot makes everyone cold.
            scorer.refreshSnapshot();
            scorer.score(user, items);
            assertEquals(reads + 2, world.events.recentCalls);
            assertThrows(IllegalArgumentException.class, () -> scorer.modified(Configs.config(Map.of(
                    "models.dir", models.toString(), "profile.cache.mb", -1))));
        } finally {
            scorer.deactivate();
            registry.deactivate();
        }
    }

    @Test
    void aNewEventUpdatesTheEntryWithoutReadingTheStoreExactlyAsAFreshRead() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        OnnxModelRegistry registry = trainedRegistry(world, extractor);
        OnnxInterestScorer scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        try {
            // One scorer only: a second one's own background build at activation could land mid-test.
            scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
            awaitBuilt(scorer, world.events.count());
            String user = "user-1";
            List<String> items = List.of("garden-0-1", "kitchen-0-1", "kitchen-0-2");
            Map<String, Double> first = scorer.score(user, items).scores();
            int reads = world.events.recentCalls;

            List<Event> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                burst.add(new Event("k" + i, EventType.PURCHASE, user, "kitchen-0-1", 1,
                        World.NOW.plusSeconds(i).plusMillis(7)));
            }
            world.events.append(burst);
            scorer.eventsStored(burst);
            Map<String, Double> after = scorer.score(user, items).scores();
            assertEquals(reads, world.events.recentCalls, "updated from the entry's window, not read");
            assertNotEquals(first.get("kitchen-0-1"), after.get("kitchen-0-1"));
            assertEquals(1, scorer.profileCacheStats()[4]);
            // Served warm from the updated entry now.
            assertEquals(after, scorer.score(user, items).scores());
            assertEquals(1, scorer.profileCacheStats()[4]);
            assertEquals(reads, world.events.recentCalls);

            // An event the entry already holds (reported again): the update gives up and the request reads afresh.
            scorer.eventsStored(List.of(burst.get(3)));
            assertBitsEqual(after, scorer.score(user, items).scores());
            assertEquals(1, scorer.profileCacheStats()[5]);
            assertEquals(reads + 1, world.events.recentCalls, "read afresh");

            // And a fresh read after the entry is dropped (the erasure hook drops it; the store keeps the events).
            List<Event> last = List.of(new Event("k-last", EventType.VIEW, user, "garden-0-1", 1,
                    World.NOW.plusSeconds(60)));
            world.events.append(last);
            scorer.eventsStored(last);
            Map<String, Double> updated = scorer.score(user, items).scores();
            assertEquals(2, scorer.profileCacheStats()[4]);
            scorer.userDeleted(new UserData(user, null, List.of(), List.of()));
            assertBitsEqual(scorer.score(user, items).scores(), updated);
            assertEquals(reads + 2, world.events.recentCalls);
        } finally {
            scorer.deactivate();
            registry.deactivate();
        }
    }

    private static void assertBitsEqual(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String id : expected.keySet()) {
            assertEquals(Double.doubleToRawLongBits(expected.get(id)), Double.doubleToRawLongBits(actual.get(id)), id);
        }
    }

    @Test
    void stampsRefuseWhatWasReadBeforeAChangeAndTheBudgetEvictsTheLeastRecentlyUsed() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        FeatureSnapshot snapshot = extractor.snapshot(world.catalogue(), world.events.all());
        UserFeatures a = extractor.user(snapshot, world.events.recentForUser("user-0", 100));
        UserFeatures b = extractor.user(snapshot, world.events.recentForUser("user-1", 100));
        UserFeatures c = extractor.user(snapshot, world.events.recentForUser("user-2", 100));

        UserProfileCache cache = new UserProfileCache(1 << 20);
        int stamp = cache.stamp("user-0");
        cache.invalidate("user-0"); // an event committed while the request computed
        cache.put("user-0", stamp, 100, a);
        assertNull(cache.get("user-0", snapshot), "computed from a history read before the change");
        cache.put("user-0", cache.stamp("user-0"), 100, a);
        assertSame(a, cache.get("user-0", snapshot).features());
        assertEquals(100, cache.get("user-0", snapshot).historyLimit());
        FeatureSnapshot other = extractor.snapshot(world.catalogue(), world.events.all());
        assertNull(cache.get("user-0", other), "another snapshot");

        // Room for two of these three.
        long each = Math.max(a.approximateBytes(), Math.max(b.approximateBytes(), c.approximateBytes())) + 200;
        UserProfileCache small = new UserProfileCache(2 * each + each / 2);
        small.put("user-0", small.stamp("user-0"), 100, a);
        small.put("user-1", small.stamp("user-1"), 100, b);
        assertNotNull(small.get("user-0", snapshot)); // user-1 is now the least recently used
        small.put("user-2", small.stamp("user-2"), 100, c);
        assertEquals(2, small.size());
        assertNull(small.get("user-1", snapshot));
        assertNotNull(small.get("user-0", snapshot));
        assertNotNull(small.get("user-2", snapshot));
        assertTrue(small.bytes() <= 2 * each + each / 2);
    }

    @Test
    void theUserHalfFillsExactlyWhatTheWholeExtractionFills() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        FeatureSnapshot snapshot = extractor.snapshot(world.catalogue(), world.events.all(), vectors(world));
        List<String> features = extractor.featureNames();
        List<String> ids = new ArrayList<>(world.itemIds);
        ids.add("unknown");
        for (String user : world.users) {
            List<Event> history = world.events.recentForUser(user, 1000);
            FloatBuffer whole = buffer(features.size() * ids.size());
            FloatBuffer split = buffer(features.size() * ids.size());
            extractor.extract(snapshot, history, ids, features, whole);
            UserFeatures half = extractor.user(snapshot, history);
            extractor.extract(half, ids, features, split);
            extractor.extract(half, ids, features, buffer(features.size() * ids.size())); // reused: same again
            for (int i = 0; i < whole.capacity(); i++) {
                assertEquals(Float.floatToRawIntBits(whole.get(i)), Float.floatToRawIntBits(split.get(i)),
                        user + " cell " + i + " (" + features.get(i % features.size()) + ")");
            }
        }
    }

    /** A registry serving a ranker trained on the world (without behaviour vectors). */
    private OnnxModelRegistry trainedRegistry(World world, EngineeredFeatureExtractor extractor) {
        TribuoRanker ranker = TribuoRanker.train(world, extractor,
                extractor.snapshot(world.catalogue(), world.events.all()), false);
        ranker.write(models, "ranker", VERSION);
        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        return registry;
    }

    /** Bounded wait for the scorer's snapshot to hold the store's events. */
    private static void awaitBuilt(OnnxInterestScorer scorer, long events) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (scorer.snapshot().eventCount() != events) {
            assertTrue(System.nanoTime() < deadline, "no snapshot within 30 s: " + scorer.snapshot());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static FloatBuffer buffer(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
