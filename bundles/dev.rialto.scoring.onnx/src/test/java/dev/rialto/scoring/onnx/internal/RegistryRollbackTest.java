package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelNotFoundException;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's API: list, refusals, and a rollback that persists on disk until a newer version arrives. */
class RegistryRollbackTest {
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
        registry = newRegistry();
        scorer = new OnnxInterestScorer(extractor, registry, world.items, world.events);
        scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "snapshot.refresh.seconds", 0)));
        scorer.refreshSnapshot();
    }

    private OnnxModelRegistry newRegistry() {
        OnnxModelRegistry created = new OnnxModelRegistry(extractor);
        created.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        return created;
    }

    @AfterEach
    void stop() {
        scorer.deactivate();
        registry.deactivate();
    }

    /** Mean score of user-0's favourite category (Kitchen) minus Garden: positive for likesFavourite. */
    private double kitchenOverGarden() {
        List<String> items = world.itemIds.stream().filter(id -> id.startsWith("kitchen") || id.startsWith("garden"))
                .toList();
        Map<String, Double> scores = scorer.score("user-0", items).scores();
        return mean(scores, "kitchen") - mean(scores, "garden");
    }

    private static double mean(Map<String, Double> scores, String prefix) {
        return scores.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).average().orElseThrow();
    }

    private static List<String> versions(ModelRegistry registry) {
        return registry.models().stream().map(m -> m.name() + "@" + m.version()).toList();
    }

    @Test
    void rollbackServesThePreviousVersionAndMarksTheFolder() {
        likesFavourite.write(models, "ranker", V1);
        dislikesFavourite.write(models, "ranker", V2);
        registry.rescan();
        assertEquals(V2, scorer.activeModel().orElseThrow().version());
        assertTrue(kitchenOverGarden() < 0, "the inverted model serves");
        assertEquals(List.of("ranker@" + V1, "ranker@" + V2), versions(registry), "every valid version is listed");

        ModelInfo now = registry.rollback("ranker");

        assertEquals(V1, now.version());
        assertEquals(V1, registry.active("ranker").orElseThrow().version());
        assertEquals(V1, scorer.score("user-0", List.of("kitchen-0-1")).model().version());
        assertTrue(kitchenOverGarden() > 0, "scores come from the older model");
        Path marker = models.resolve("ranker").resolve(V2).resolve(OnnxModelRegistry.ROLLED_BACK);
        assertTrue(Files.isRegularFile(marker), "the rollback is visible on disk");
        assertEquals(List.of("ranker@" + V1, "ranker@" + V2), versions(registry), "the rolled-back version stays listed");
    }

    @Test
    void rollbackSurvivesRescansAndANewRegistryOnTheSameFolder() {
        likesFavourite.write(models, "ranker", V1);
        dislikesFavourite.write(models, "ranker", V2);
        registry.rescan();
        registry.rollback("ranker");

        registry.rescan();
        registry.rescan();
        assertEquals(V1, registry.active("ranker").orElseThrow().version());

        OnnxModelRegistry restarted = newRegistry();
        try {
            assertEquals(V1, restarted.active("ranker").orElseThrow().version());
            assertEquals(List.of("ranker@" + V1, "ranker@" + V2), versions(restarted));
        } finally {
            restarted.deactivate();
        }
    }

    @Test
    void aNewerVersionAfterARollbackGoesLiveAndAnotherRollbackSkipsTheMarkedOne() throws IOException {
        likesFavourite.write(models, "ranker", V1);
        dislikesFavourite.write(models, "ranker", V2);
        registry.rescan();
        registry.rollback("ranker");

        dislikesFavourite.write(models, "ranker", V3);
        registry.rescan();
        assertEquals(V3, scorer.activeModel().orElseThrow().version());
        assertTrue(kitchenOverGarden() < 0);

        assertEquals(V1, registry.rollback("ranker").version(), "the rolled-back V2 is not chosen again");
        assertThrows(ModelNotFoundException.class, () -> registry.rollback("ranker"));

        // Deleting the marker undoes a rollback.
        Files.delete(models.resolve("ranker").resolve(V3).resolve(OnnxModelRegistry.ROLLED_BACK));
        registry.rescan();
        assertEquals(V3, registry.active("ranker").orElseThrow().version());
    }

    @Test
    void rollbackWithoutAnOlderVersionThrowsNamingTheModel() {
        likesFavourite.write(models, "ranker", V1);
        registry.rescan();

        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> registry.rollback("ranker"));
        assertEquals("ranker", e.model());
        assertTrue(e.getMessage().contains("'ranker'") && e.getMessage().contains(V1), e.getMessage());
        assertEquals(V1, registry.active("ranker").orElseThrow().version(), "nothing changed");
        assertFalse(Files.exists(models.resolve("ranker").resolve(V1).resolve(OnnxModelRegistry.ROLLED_BACK)));

        ModelNotFoundException unknown = assertThrows(ModelNotFoundException.class, () -> registry.rollback("nope"));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
    }

    @Test
    void anInvalidOlderVersionIsNotARollbackTarget() {
        likesFavourite.write(models, "ranker", V1, card -> card.replace("\"positiveIndex\": ", "\"positiveIndex\": 7"));
        dislikesFavourite.write(models, "ranker", V2);
        registry.rescan();

        assertThrows(ModelNotFoundException.class, () -> registry.rollback("ranker"));
        assertEquals(V2, registry.active("ranker").orElseThrow().version());
    }

    @Test
    void refusalsAndBaselinesAreListed() {
        int f = likesFavourite.columns.size();
        likesFavourite.write(models, "ranker", V1);
        likesFavourite.write(models, "ranker", V2, card -> card.replace("[-1, " + f + "]", "[-1, " + (f + 1) + "]"));
        registry.rescan();

        List<ModelRefusal> refusals = registry.refusals();
        assertEquals(1, refusals.size(), refusals.toString());
        ModelRefusal refusal = refusals.get(0);
        assertEquals("ranker", refusal.name());
        assertEquals(V2, refusal.version());
        assertEquals("signature.inputs[0].shape", refusal.field());
        assertTrue(refusal.reason().contains("[-1, " + f + "]"), refusal.reason());
        assertEquals(List.of("ranker@" + V1), versions(registry), "refused versions are not listed as valid");
        assertEquals(Map.of("popularity.auc", 0.5), registry.baselines("ranker", V1));
        assertEquals(Map.of(), registry.baselines("ranker", V2));
    }
}
