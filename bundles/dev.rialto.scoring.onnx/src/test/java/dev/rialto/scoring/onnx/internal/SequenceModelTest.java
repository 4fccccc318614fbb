package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sequence model (models/sequence/demo, a BiLSTM trained by models/sequence/train.py on the demo shop)
 * served through its card's signature: int64 history and candidate inputs, the vocabulary, the OOV index.
 */
class SequenceModelTest {
    static final Path SHIPPED = Path.of("../../models/sequence/demo/sequence").toAbsolutePath().normalize();

    @TempDir
    Path models;
    private OnnxModelRegistry registry;
    private OnnxInterestScorer scorer;
    private final FakeEvents events = new FakeEvents();
    private String version;
    private List<String> vocabulary;

    @BeforeEach
    void start() throws Exception {
        Path source;
        try (Stream<Path> versions = Files.list(SHIPPED)) {
            source = versions.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        version = source.getFileName().toString();
        Path target = Files.createDirectories(models.resolve("sequence").resolve(version));
        for (String file : List.of("model.onnx", "model.json", "vocabulary.txt")) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        vocabulary = Files.readAllLines(target.resolve("vocabulary.txt"));
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        registry = new OnnxModelRegistry(extractor);
        registry.activate(Configs.config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        scorer = new OnnxInterestScorer(extractor, registry, new FakeItems(), events);
        scorer.activate(Configs.config(Map.of("models.dir", models.toString(), "model.name", "sequence",
                "snapshot.refresh.seconds", 0)));
    }

    @AfterEach
    void stop() {
        scorer.deactivate();
        registry.deactivate();
    }

    @Test
    void theCardIsAcceptedAndListsItsIdFeatures() {
        assertEquals(List.of(), registry.refusals());
        assertEquals(version, scorer.activeModel().orElseThrow().version());
        assertEquals(List.of("history_item_ids", "candidate_item_id"),
                registry.active("sequence").orElseThrow().features());
    }

    @Test
    void scoresEqualADirectRunWithTheVocabularyAndOovIndices() throws Exception {
        // Newest last in time; the scorer reads newest first, skips searches and collapses repeats.
        String a = vocabulary.get(10);
        String b = vocabulary.get(20);
        String c = vocabulary.get(30);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        events.append(List.of(new Event("1", EventType.VIEW, "u", a, 1, t),
                new Event("2", EventType.VIEW, "u", b, 1, t.plusSeconds(1)),
                new Event("3", EventType.VIEW, "u", b, 1, t.plusSeconds(2)),
                new Event("4", EventType.SEARCH, "u", null, 1, t.plusSeconds(3), "mugs"),
                new Event("5", EventType.PURCHASE, "u", c, 1, t.plusSeconds(4)),
                new Event("6", EventType.VIEW, "u", "not-in-vocabulary", 1, t.plusSeconds(5))));
        List<String> candidates = new ArrayList<>(vocabulary.subList(0, 50));
        candidates.add("unknown-1");
        candidates.add("unknown-2");
        ScoreResult result = scorer.score("u", candidates);
        assertEquals(candidates.size(), result.scores().size());
        result.scores().values().forEach(s -> assertTrue(s > 0 && s < 1, "a probability: " + s));
        assertEquals(result.scores().get("unknown-1"), result.scores().get("unknown-2"), "both are the OOV index");

        int width = historyWidth();
        long[] history = new long[width];
        // padding 0; oldest first: a, b (repeat collapsed), c, OOV (1); vocabulary line i is integer 2 + i.
        history[width - 4] = 2 + 10;
        history[width - 3] = 2 + 20;
        history[width - 2] = 2 + 30;
        history[width - 1] = 1;
        double[] expected = direct(history, candidates);
        for (int i = 0; i < candidates.size(); i++) {
            assertEquals(expected[i], result.scores().get(candidates.get(i)), 1e-6, candidates.get(i));
        }
        ScoreResult stranger = scorer.score("nobody", candidates.subList(0, 5));
        assertNotEquals(result.scores().get(candidates.get(0)), stranger.scores().get(candidates.get(0)),
                "the history changes the score");
    }

    /** N of the card's history_item_ids input [-1, N]. */
    private int historyWidth() throws Exception {
        JsonNode card = new ObjectMapper().readTree(models.resolve("sequence").resolve(version)
                .resolve("model.json").toFile());
        return card.path("signature").path("inputs").get(0).path("shape").get(1).asInt();
    }

    private double[] direct(long[] history, List<String> candidates) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int rows = candidates.size();
        long[] h = new long[rows * history.length];
        long[] c = new long[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(history, 0, h, r * history.length, history.length);
            int at = vocabulary.indexOf(candidates.get(r));
            c[r] = at < 0 ? 1 : 2 + at;
        }
        Path onnx = models.resolve("sequence").resolve(version).resolve("model.onnx");
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor ht = OnnxTensor.createTensor(env, LongBuffer.wrap(h), new long[] {rows, history.length});
                OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(c), new long[] {rows, 1});
                OrtSession.Result out = session.run(Map.of("history", ht, "candidate", ct))) {
            float[][] scores = (float[][]) out.get(0).getValue();
            double[] d = new double[rows];
            for (int r = 0; r < rows; r++) {
                d[r] = scores[r][0];
            }
            return d;
        }
    }

    @Test
    void cardsThatDoNotMatchTheGraphOrLackTheVocabularyAreRefused() throws Exception {
        Path good = models.resolve("sequence").resolve(version);
        Path wrongShape = Files.createDirectories(models.resolve("sequence").resolve("20990101T000000000Z"));
        for (String file : List.of("model.onnx", "vocabulary.txt")) {
            Files.copy(good.resolve(file), wrongShape.resolve(file));
        }
        ObjectNode card = (ObjectNode) new ObjectMapper().readTree(good.resolve("model.json").toFile());
        card.put("version", "20990101T000000000Z");
        ((ArrayNode) card.path("signature").path("inputs").get(0).path("shape")).set(1, historyWidth() + 10);
        Files.writeString(wrongShape.resolve("model.json"), card.toString());
        Path noVocabulary = Files.createDirectories(models.resolve("sequence").resolve("20990102T000000000Z"));
        Files.copy(good.resolve("model.onnx"), noVocabulary.resolve("model.onnx"));
        Files.writeString(noVocabulary.resolve("model.json"), Files.readString(good.resolve("model.json"))
                .replace(version, "20990102T000000000Z"));
        registry.scan();
        Map<String, ModelRefusal> refusals = new java.util.HashMap<>();
        registry.refusals().forEach(r -> refusals.put(r.version(), r));
        assertEquals("signature.inputs[0].shape", refusals.get("20990101T000000000Z").field(),
                refusals.toString());
        assertEquals("vocabulary.file", refusals.get("20990102T000000000Z").field());
        assertEquals(version, registry.active("sequence").orElseThrow().version(), "the valid one keeps serving");
    }
}
