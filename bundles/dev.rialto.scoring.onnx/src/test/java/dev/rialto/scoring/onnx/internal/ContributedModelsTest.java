package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.scoring.onnx.internal.contrib.ContributedModels;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models carried by bundles: installed into the models folder, served, and removed with their bundle only. */
class ContributedModelsTest {
    private static final String V1 = "20261101T000000000Z";
    private static final String V2 = "20261102T000000000Z";
    private static EngineeredFeatureExtractor extractor;
    private static TribuoRanker ranker;
    private static byte[] onnx;

    @TempDir
    Path models;
    @TempDir
    Path scratch;
    private OnnxModelRegistry registry;
    private ContributedModels contributions;

    @BeforeAll
    static void train() throws Exception {
        World world = new World();
        extractor = new EngineeredFeatureExtractor();
        FeatureSnapshot snapshot = extractor.snapshot(world.catalogue(), world.events.all());
        ranker = TribuoRanker.train(world, extractor, snapshot, false);
        Path tmp = Files.createTempFile("ranker", ".onnx");
        ranker.model.saveONNXModel("dev.rialto.test", 1, tmp);
        onnx = Files.readAllBytes(tmp);
        Files.delete(tmp);
    }

    @BeforeEach
    void start() {
        registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        contributions = new ContributedModels(models);
    }

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    /** A bundle's files: the card and the graph, or a missing-file error like Bundle.getEntry would give. */
    private static ContributedModels.Source files(String card, byte[] graph) {
        return file -> switch (file) {
            case "model.json" -> new ByteArrayInputStream(card.getBytes(StandardCharsets.UTF_8));
            case "model.onnx" -> {
                if (graph == null) {
                    throw new FileNotFoundException("META-INF/rialto/models/x/model.onnx is missing");
                }
                yield new ByteArrayInputStream(graph);
            }
            default -> throw new FileNotFoundException(file);
        };
    }

    private static final ContributedModels.Contributor SHOP = new ContributedModels.Contributor(42, "com.shop.models",
            "1.0.0");

    @Test
    void aBundlesModelIsServedUntilTheBundleStops() {
        List<Path> written = contributions.add(SHOP, Map.of("shop-ranker", files(ranker.card("shop-ranker", V1), onnx)));
        assertEquals(List.of(models.resolve("shop-ranker").resolve(V1)), written);
        assertTrue(Files.isRegularFile(written.get(0).resolve(ContributedModels.MARKER)));
        registry.scan();
        assertEquals(V1, registry.active("shop-ranker").orElseThrow().version());

        assertEquals(written, contributions.remove(42));
        registry.scan();
        assertTrue(registry.active("shop-ranker").isEmpty(), "no longer served");
        assertFalse(Files.exists(models.resolve("shop-ranker")), "the emptied name folder is gone too");
    }

    @Test
    void folderNotContributedIsNeverOverwrittenNorRemoved() {
        ranker.write(models, "ranker", V1);
        List<Path> written = contributions.add(SHOP, Map.of("ranker", files(ranker.card("ranker", V1), onnx),
                "other", files(ranker.card("other", V2), onnx)));
        assertEquals(List.of(models.resolve("other").resolve(V2)), written, "ranker@V1 exists: skipped");
        assertFalse(Files.exists(models.resolve("ranker").resolve(V1).resolve(ContributedModels.MARKER)));
        // A contributed version beside the trainer's: removing the bundle leaves the trainer's alone.
        contributions.add(SHOP, Map.of("ranker", files(ranker.card("ranker", V2), onnx)));
        registry.scan();
        assertEquals(V2, registry.active("ranker").orElseThrow().version());
        contributions.remove(42);
        registry.scan();
        assertEquals(V1, registry.active("ranker").orElseThrow().version(), "back to the trainer's version");
        assertTrue(Files.isDirectory(models.resolve("ranker").resolve(V1)));
    }

    @Test
    void badContributionsAreSkippedAndTheGoodOnesInstalled() {
        List<Path> written = contributions.add(SHOP, Map.of(
                "named-wrong", files(ranker.card("something-else", V1), onnx),
                "no-graph", files(ranker.card("no-graph", V1), null),
                "good", files(ranker.card("good", V1), onnx)));
        assertEquals(List.of(models.resolve("good").resolve(V1)), written);
        assertFalse(Files.exists(models.resolve("no-graph").resolve(V1)), "no half-written folder");
        assertFalse(Files.exists(models.resolve("named-wrong").resolve(V1)));
    }

    @Test
    void sweepRemovesFoldersOfBundlesThatAreGone() {
        contributions.add(SHOP, Map.of("shop-ranker", files(ranker.card("shop-ranker", V1), onnx)));
        ContributedModels afterRestart = new ContributedModels(models);
        assertEquals(List.of(), afterRestart.sweep(Set.of(42L)), "its bundle is still active");
        assertEquals(List.of(models.resolve("shop-ranker").resolve(V1)), afterRestart.sweep(Set.of(7L)));
        assertFalse(Files.exists(models.resolve("shop-ranker")));
    }
}
