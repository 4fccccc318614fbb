package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.retrieval.BehaviourVectorReader;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer reads the published behaviour vectors through {@link BehaviourVectorReader} when it rebuilds its
 * snapshot, so a ranker trained with {@code user_item_behaviour} is served the same feature.
 */
class ScorerBehaviourTest {
    private static final String VERSION = "20261101T000000000Z";

    @TempDir
    Path models;

    /** Item vectors: the one-hot of the item's top category; user vectors: the one-hot of the favourite. */
    private static BehaviourVectors vectors(World world) {
        Map<String, float[]> items = new HashMap<>();
        for (String id : world.itemIds) {
            items.put(id, oneHot(World.CATEGORIES.indexOf(World.topCategoryOf(id))));
        }
        Map<String, float[]> users = new HashMap<>();
        // Every other user is published; the others are folded in from their history.
        for (int u = 0; u < world.users.size(); u += 2) {
            String user = world.users.get(u);
            users.put(user, oneHot(World.CATEGORIES.indexOf(World.favourite(user))));
        }
        return new BehaviourVectors("behaviour-ials", "3", World.CATEGORIES.size(), items, users, 0.1, World.NOW);
    }

    private static float[] oneHot(int i) {
        float[] v = new float[World.CATEGORIES.size()];
        v[i] = 1f;
        return v;
    }

    @Test
    void thePublishedVectorsFeedTheBehaviourFeatureAndGoWhenUnpublished() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        BehaviourVectors published = vectors(world);
        FeatureSnapshot training = extractor.snapshot(world.catalogue(), world.events.all(), published);
        TribuoRanker ranker = TribuoRanker.train(world, extractor, training, false);
        assertTrue(ranker.columns.contains("user_item_behaviour"), ranker.columns.toString());
        ranker.write(models, "ranker", VERSION);

        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        OnnxInterestScorer scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        AtomicReference<BehaviourVectors> index = new AtomicReference<>(published);
        BehaviourVectorReader reader = () -> Optional.ofNullable(index.get());
        scorer.setBehaviour(reader);
        try {
            scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
            scorer.refreshSnapshot();
            assertTrue(scorer.snapshot().toString().contains("behaviour-ials@3"), scorer.snapshot().toString());

            String user = "user-0"; // favourite Kitchen, published
            String folded = "user-1"; // favourite Garden, not published: folded in
            List<String> items = List.of("kitchen-0-1", "garden-0-1", "toys-1-2");
            int behaviour = ranker.columns.indexOf("user_item_behaviour");
            for (String u : List.of(user, folded)) {
                ScoreResult result = scorer.score(u, items);
                float[][] rows = TribuoRanker.features(extractor, scorer.snapshot(),
                        world.events.recentForUser(u, 200), items, ranker.columns);
                double[] expected = ranker.predict(ranker.columns, rows);
                for (int i = 0; i < items.size(); i++) {
                    assertEquals(expected[i], result.scores().get(items.get(i)), 1e-5, u + " " + items.get(i));
                }
                int favourite = u.equals(user) ? 0 : 1;
                for (int i = 0; i < items.size(); i++) {
                    if (i != favourite) {
                        assertTrue(rows[favourite][behaviour] > rows[i][behaviour], u + ": " + items.get(i));
                    }
                }
            }
            assertEquals(1f, TribuoRanker.features(extractor, scorer.snapshot(), world.events.recentForUser(user, 200),
                    List.of("kitchen-0-1"), ranker.columns)[0][behaviour], 1e-6);
            double before = scorer.score(user, items).scores().get("kitchen-0-1");

            // Unpublished: the feature is 0 and the favourite item loses its lift.
            index.set(null);
            scorer.refreshSnapshot();
            assertFalse(scorer.snapshot().toString().contains("behaviour"), scorer.snapshot().toString());
            assertEquals(0f, TribuoRanker.features(extractor, scorer.snapshot(), world.events.recentForUser(user, 200),
                    List.of("kitchen-0-1"), ranker.columns)[0][behaviour]);
            assertTrue(scorer.score(user, items).scores().get("kitchen-0-1") < before);
            scorer.setBehaviour(null);
            scorer.refreshSnapshot();
            assertEquals(3, scorer.score(user, items).scores().size());

            // The periodic rebuild notices newly published vectors without any change in the store.
            assertFalse(scorer.refreshIfChanged());
            index.set(published);
            scorer.setBehaviour(reader);
            assertTrue(scorer.refreshIfChanged());
            assertTrue(scorer.snapshot().toString().contains("behaviour-ials@3"), scorer.snapshot().toString());
            assertFalse(scorer.refreshIfChanged());
        } finally {
            scorer.deactivate();
            registry.deactivate();
        }
    }

    @Test
    void aScorerWithoutAReaderNeitherDropsNorRebuildsTheSharedVectors() {
        World world = new World();
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        OnnxInterestScorer ranker = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        OnnxInterestScorer ads = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        ranker.setBehaviour(() -> Optional.of(vectors(world)));
        try {
            ranker.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
            ads.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0,
                    "model.name", "ads-ctr")));
            ranker.refreshIfChanged();
            assertTrue(ads.snapshot().toString().contains("behaviour-ials@3"), ads.snapshot().toString());
            // Before: each periodic pass rebuilt, in turn with and without the vectors.
            for (int pass = 0; pass < 3; pass++) {
                assertFalse(ads.refreshIfChanged(), "pass " + pass);
                assertFalse(ranker.refreshIfChanged(), "pass " + pass);
            }
            ads.eventsStored(List.of());
            assertTrue(ads.refreshIfChanged(), "a store change is rebuilt by whichever scorer comes first");
            assertTrue(ranker.snapshot().toString().contains("behaviour-ials@3"), ranker.snapshot().toString());
            assertFalse(ranker.refreshIfChanged());
        } finally {
            ads.deactivate();
            ranker.deactivate();
            registry.deactivate();
        }
    }
}
