package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry and the scorer end to end, with real Tribuo-exported ONNX models in a temporary models folder. */
class OnnxScoringTest {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxScoringTest.class);
    private static final String V1 = "20261101T000000000Z";
    private static final String V2 = "20261102T000000000Z";
    private static final String V3 = "20261103T000000000Z";

    private static World world;
    private static EngineeredFeatureExtractor extractor;
    private static TribuoRanker likesFavourite;
    private static TribuoRanker dislikesFavourite;

    @TempDir
    Path models;
    private OnnxModelRegistry registry;
    private OnnxInterestScorer scorer;

    @BeforeAll
    static void train() {
        world = new World();
        extractor = new EngineeredFeatureExtractor();
        FeatureSnapshot snapshot = extractor.snapshot(world.catalogue(), world.events.all());
        likesFavourite = TribuoRanker.train(world, extractor, snapshot, false);
        dislikesFavourite = TribuoRanker.train(world, extractor, snapshot, true);
    }

    @BeforeEach
    void start() {
        registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
        scorer.refreshSnapshot();
    }

    @AfterEach
    void stop() {
        scorer.deactivate();
        registry.deactivate();
    }

    private List<String> kitchenAndGarden() {
        return world.itemIds.stream().filter(id -> id.startsWith("kitchen") || id.startsWith("garden")).toList();
    }

    @Test
    void thePeriodicRebuildPassesOverTheStoreOnlyAfterTheChangeFeedSaidSomething() {
        assertFalse(scorer.refreshIfChanged(), "nothing changed since the rebuild in start()");
        scorer.eventsStored(List.of());
        assertTrue(scorer.refreshIfChanged());
        assertFalse(scorer.refreshIfChanged());
        scorer.itemsStored(List.of());
        assertTrue(scorer.refreshIfChanged());
        scorer.userDeleted(new dev.rialto.api.privacy.UserData("user-0", null, List.of(), List.of()));
        assertTrue(scorer.refreshIfChanged());
        assertFalse(scorer.refreshIfChanged());
    }

    @Test
    void scorersOfTheSameStoresShareOneSnapshotAndOneRebuild() {
        OnnxInterestScorer ads = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        ads.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0,
                "model.name", "ads-ctr")));
        try {
            assertSame(scorer.snapshot(), ads.snapshot(), "built once in start(), seen by both");
            assertFalse(ads.refreshIfChanged(), "the other scorer's rebuild is current");
            ads.eventsStored(List.of());
            assertTrue(scorer.refreshIfChanged(), "whichever comes first rebuilds");
            assertFalse(ads.refreshIfChanged());
            assertSame(scorer.snapshot(), ads.snapshot());
        } finally {
            ads.deactivate();
        }
        // The last one to go drops it: a scorer made after that starts from an empty snapshot of its own.
        FeatureSnapshot before = scorer.snapshot();
        scorer.deactivate();
        OnnxInterestScorer again = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        try {
            org.junit.jupiter.api.Assertions.assertNotSame(before, again.snapshot());
        } finally {
            scorer = again;
            again.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
        }
    }

    @Test
    void withoutAModelScoringSaysSo() {
        assertTrue(scorer.activeModel().isEmpty());
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> scorer.score("user-0", List.of("kitchen-0-1")));
        assertTrue(e.getMessage().contains("ranker"), e.getMessage());
    }

    @Test
    void scoresMatchTribuoAndFavourTheUsersCategory() {
        likesFavourite.write(models, "ranker", V1);
        registry.scan();

        ModelInfo active = scorer.activeModel().orElseThrow();
        assertEquals("ranker", active.name());
        assertEquals(V1, active.version());
        assertEquals(likesFavourite.columns, active.features());
        assertEquals(0.9, active.metrics().get("auc"));
        assertEquals(Instant.parse("2026-11-28T15:45:00.123Z"), active.trainedAt());

        String user = "user-0"; // favourite: Kitchen
        List<String> items = new ArrayList<>(kitchenAndGarden());
        items.add("not-in-the-catalogue");
        ScoreResult result = scorer.score(user, items);
        assertEquals(active, result.model());
        assertEquals(items.size(), result.scores().size(), "every item scored, unknown ones too");

        float[][] rows = TribuoRanker.features(extractor, scorer.snapshot(), world.events.recentForUser(user, 200),
                items, likesFavourite.columns);
        double[] expected = likesFavourite.predict(likesFavourite.columns, rows);
        for (int i = 0; i < items.size(); i++) {
            assertEquals(expected[i], result.scores().get(items.get(i)), 1e-5, items.get(i));
        }
        double kitchen = mean(result.scores(), "kitchen");
        double garden = mean(result.scores(), "garden");
        assertTrue(kitchen > garden + 0.2, "kitchen " + kitchen + " should beat garden " + garden);
        assertTrue(result.scores().values().stream().allMatch(s -> s >= 0 && s <= 1));

        // A Garden lover (user-1) gets the opposite order from the same model.
        ScoreResult other = scorer.score("user-1", kitchenAndGarden());
        assertTrue(mean(other.scores(), "garden") > mean(other.scores(), "kitchen"));
        // An unknown user still gets scores.
        assertEquals(5, scorer.score("nobody", world.itemIds.subList(0, 5)).scores().size());
        assertTrue(scorer.score("user-0", List.of()).scores().isEmpty());
    }

    private static double mean(Map<String, Double> scores, String prefix) {
        return scores.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).average().orElseThrow();
    }

    @Test
    void badCardsAreRefusedNamingTheFieldWhileThePreviousModelStaysLive() {
        likesFavourite.write(models, "ranker", V1);
        registry.scan();
        int f = likesFavourite.columns.size();
        String firstFeature = likesFavourite.columns.get(0);
        Map<String, java.util.function.UnaryOperator<String>> broken = Map.of(
                "20261102T000000001Z", card -> card.replace("[-1, " + f + "]", "[-1, " + (f + 1) + "]"),
                "20261102T000000002Z", card -> card.replace("\"" + firstFeature + "\"", "\"user_star_sign\""),
                "20261102T000000003Z", card -> card.replace("\"positiveIndex\": " + likesFavourite.positiveIndex,
                        "\"positiveIndex\": 2"),
                // Self-consistent card that lies about the graph: one feature fewer than the ONNX input.
                "20261102T000000004Z", card -> card.replace("[-1, " + f + "]", "[-1, " + (f - 1) + "]")
                        .replace("\"" + firstFeature + "\", ", ""),
                "20261102T000000005Z", card -> card.replace("\"name\": \"output\"", "\"name\": \"probabilities\""));
        broken.forEach((version, edit) -> likesFavourite.write(models, "ranker", version, edit));
        registry.scan();

        assertEquals(V1, scorer.activeModel().orElseThrow().version(), "the previous model stays live");
        Map<String, String> refusals = new java.util.TreeMap<>();
        registry.refusals().forEach(r -> refusals.put(r.name() + "/" + r.version(), r.reason()));
        assertEquals(5, refusals.size(), refusals.toString());
        assertTrue(refusals.get("ranker/20261102T000000001Z").startsWith("signature.inputs[0].shape:"), refusals.toString());
        assertTrue(refusals.get("ranker/20261102T000000002Z").startsWith("signature.inputs[0].features[0]:"));
        assertTrue(refusals.get("ranker/20261102T000000002Z").contains("user_star_sign"));
        assertTrue(refusals.get("ranker/20261102T000000003Z").startsWith("signature.outputs[0].positiveIndex:"));
        assertTrue(refusals.get("ranker/20261102T000000004Z").startsWith("signature.inputs[0].shape:"));
        assertTrue(refusals.get("ranker/20261102T000000004Z").contains("ONNX graph"));
        assertTrue(refusals.get("ranker/20261102T000000005Z").startsWith("signature.outputs[0].name:"));
        assertEquals(31, scorer.score("user-0", world.itemIds.subList(0, 31)).scores().size());

        // Refusals are not retried every poll, but a valid newer version still goes live.
        registry.scan();
        dislikesFavourite.write(models, "ranker", V3);
        registry.scan();
        assertEquals(V3, scorer.activeModel().orElseThrow().version());
    }

    @Test
    void aNewerVersionIsSwappedInAndDotFoldersAreIgnored() throws IOException {
        likesFavourite.write(models, "ranker", V1);
        registry.scan();
        double before = mean(scorer.score("user-0", kitchenAndGarden()).scores(), "kitchen");

        // Half-written folders are invisible, whatever their name sorts as.
        Path hidden = Files.createDirectories(models.resolve("ranker").resolve(".tmp-" + V3));
        Files.writeString(hidden.resolve("model.json"), "{");
        dislikesFavourite.write(models, "ranker", V2);
        registry.scan();

        assertEquals(V2, scorer.activeModel().orElseThrow().version());
        ScoreResult after = scorer.score("user-0", kitchenAndGarden());
        assertEquals(V2, after.model().version());
        assertTrue(mean(after.scores(), "kitchen") < mean(after.scores(), "garden"), "the inverted model now serves");
        assertTrue(mean(after.scores(), "kitchen") < before);
        assertTrue(registry.refusals().isEmpty(), registry.refusals().toString());

        // Removing the live version folder rolls back to the best remaining one.
        deleteTree(models.resolve("ranker").resolve(V2));
        registry.scan();
        assertEquals(V1, scorer.activeModel().orElseThrow().version());
    }

    @Test
    void thePollerPicksUpANewVersionOnItsOwn() throws InterruptedException {
        registry.deactivate();
        registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 1)));
        scorer.deactivate();
        scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        scorer.activate(Configs.config(Map.of("snapshot.refresh.seconds", 0)));

        likesFavourite.write(models, "ranker", V1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (scorer.activeModel().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertEquals(V1, scorer.activeModel().map(ModelInfo::version).orElse("none"));
    }

    @Test
    void concurrentScoringDuringSwapsNeverFails() throws Exception {
        likesFavourite.write(models, "ranker", V1);
        registry.scan();
        List<String> items = world.itemIds.subList(0, 50);
        int threads = 4;
        int calls = 500;
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String user = "user-" + t;
            Thread worker = new Thread(() -> {
                started.countDown();
                for (int i = 0; i < calls; i++) {
                    try {
                        ScoreResult result = scorer.score(user, items);
                        if (result.scores().size() != items.size()) {
                            throw new AssertionError("scored " + result.scores().size());
                        }
                        versionsSeen.add(result.model().version());
                        done.incrementAndGet();
                    } catch (Throwable e) {
                        failures.incrementAndGet();
                        errors.add(e);
                    }
                }
            }, "scorer-" + t);
            workers.add(worker);
            worker.start();
        }
        started.await();
        String[] swaps = {"20261104T000000000Z", "20261105T000000000Z", "20261106T000000000Z"};
        for (int s = 0; s < swaps.length; s++) {
            TimeUnit.MILLISECONDS.sleep(30);
            (s % 2 == 0 ? dislikesFavourite : likesFavourite).write(models, "ranker", swaps[s]);
            registry.scan();
            assertEquals(swaps[s], scorer.activeModel().orElseThrow().version());
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(worker.isAlive());
        }
        assertEquals(List.of(), errors.stream().map(Throwable::toString).toList());
        assertEquals(0, failures.get());
        assertEquals(threads * calls, done.get());
        LOG.info("Concurrent scoring saw versions {}", versionsSeen);
        assertTrue(versionsSeen.contains(V1) || versionsSeen.size() > 1, versionsSeen.toString());
    }

    @Test
    void measuresLatencyFor500Candidates() {
        likesFavourite.write(models, "ranker", V1);
        registry.scan();
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            candidates.add(i < world.itemIds.size() ? world.itemIds.get(i) : "unknown-" + i);
        }
        for (int i = 0; i < 100; i++) {
            scorer.score(world.users.get(i % world.users.size()), candidates);
        }
        int runs = 300;
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            ScoreResult result = scorer.score(world.users.get(i % world.users.size()), candidates);
            nanos[i] = System.nanoTime() - started;
            assertNotNull(result.scores().get("unknown-499"));
        }
        Arrays.sort(nanos);
        LOG.info("Scoring 500 candidates ({} features, history 15 events, in-memory store): median {} ms, "
                + "p90 {} ms, p99 {} ms", likesFavourite.columns.size(), nanos[runs / 2] / 1e6,
                nanos[runs * 9 / 10] / 1e6, nanos[runs * 99 / 100] / 1e6);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
