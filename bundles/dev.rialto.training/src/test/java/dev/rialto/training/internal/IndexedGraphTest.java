package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.ItemNumbering;
import dev.rialto.api.scoring.ScoreArray;
import dev.rialto.demo.internal.DemoFixture;
import dev.rialto.scoring.onnx.internal.OnnxInterestScorer;
import dev.rialto.scoring.onnx.internal.ScoringConfig;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's indexed graph against the plain one it wraps, both served by the real registry and scorer on the
 * demo shop with behaviour vectors: the same scores for random users and candidate lists (catalogued, unknown and
 * repeated ids; unknown and anonymous users), through the map call and the indexed call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexedGraphTest {
    private static final double TOLERANCE = 1e-6;
    private static final List<dev.rialto.api.events.EventType> TYPES = List.of(dev.rialto.api.events.EventType.VIEW,
            dev.rialto.api.events.EventType.CLICK, dev.rialto.api.events.EventType.ADD_TO_CART,
            dev.rialto.api.events.EventType.PURCHASE);

    @TempDir
    static Path dir;

    private DemoFixture demo;
    private Path indexedDir;
    private Path plainDir;
    private Served indexed;
    private Served plain;

    private record Served(OnnxModelRegistry registry, OnnxInterestScorer scorer) {
        void close() {
            scorer.deactivate();
            registry.deactivate();
        }
    }

    @BeforeAll
    void trainAndServeBoth() throws Exception {
        demo = new DemoFixture();
        indexedDir = dir.resolve("indexed");
        TrainerComponent trainer = new TrainerComponent(new FakeItems(demo.items), new FakeEvents(demo.events),
                new EngineeredFeatureExtractor(), TrainerComponent.settings(config(Map.of("models.dir",
                        indexedDir.toString(), "ranker", "fm", "history.limit", 200))), Clock.systemUTC());
        TrainingReport report = trainer.train("ranker", true, null).get(0);
        assertEquals(TrainingReport.Status.PROMOTED, report.status(), report.message());

        Path version = indexedDir.resolve("ranker").resolve(report.version());
        Map<String, Object> card = card(version);
        @SuppressWarnings("unchecked")
        Map<String, Object> signature = (Map<String, Object>) card.get("signature");
        assertEquals(IndexedGraph.LAYOUT, signature.get("layout"));
        @SuppressWarnings("unchecked")
        List<String> features = (List<String>) signature.get("features");
        assertEquals(19, features.size(), "the FM ranker's features: " + features);

        // The plain model: the trained graph taken out of the indexed one, with the plain card.
        plainDir = dir.resolve("plain");
        Path plainVersion = Files.createDirectories(plainDir.resolve("ranker").resolve(report.version()));
        Files.write(plainVersion.resolve(ModelFolder.ONNX), IndexedGraph.unwrap(
                Files.readAllBytes(version.resolve(ModelFolder.ONNX)), "input", features));
        Map<String, Object> plainSignature = new LinkedHashMap<>(signature);
        plainSignature.remove("layout");
        plainSignature.remove("features");
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", "input");
        input.put("type", "float32");
        input.put("shape", List.of(-1, features.size()));
        input.put("features", features);
        plainSignature.put("inputs", List.of(input));
        Map<String, Object> plainCard = new LinkedHashMap<>(card);
        plainCard.put("signature", plainSignature);
        Files.writeString(plainVersion.resolve(ModelFolder.CARD), Json.write(plainCard), StandardCharsets.UTF_8);

        BehaviourVectors vectors = vectors(demo, new Random(3));
        indexed = serve(indexedDir, vectors);
        plain = serve(plainDir, vectors);
        assertTrue(indexed.registry().models().stream().anyMatch(m -> m.version().equals(report.version())));
        assertTrue(plain.registry().models().stream().anyMatch(m -> m.version().equals(report.version())));
    }

    @AfterAll
    void close() {
        if (indexed != null) {
            indexed.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void theIndexedGraphScoresWhatThePlainOneScores() {
        Random random = new Random(17);
        List<String> users = new ArrayList<>(demo.events.stream().map(Event::userId).distinct().toList());
        List<String> ids = demo.items.stream().map(i -> i.id()).toList();
        ItemNumbering numbering = indexed.scorer().numbering().orElseThrow();
        double worst = 0;
        int compared = 0;
        for (int request = 0; request < 60; request++) {
            String user = request == 0 ? null : request == 1 ? "nobody-" + request
                    : users.get(random.nextInt(users.size()));
            List<String> candidates = new ArrayList<>();
            int n = 1 + random.nextInt(300);
            for (int i = 0; i < n; i++) {
                candidates.add(random.nextInt(20) == 0 ? "unknown-" + random.nextInt(5)
                        : ids.get(random.nextInt(ids.size())));
            }
            Map<String, Double> expected = plain.scorer().score(user, candidates).scores();
            Map<String, Double> actual = indexed.scorer().score(user, candidates).scores();
            assertEquals(expected.keySet(), actual.keySet());
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                double difference = Math.abs(e.getValue() - actual.get(e.getKey()));
                worst = Math.max(worst, difference);
                assertTrue(difference <= TOLERANCE, "user " + user + ", item " + e.getKey() + ": plain "
                        + e.getValue() + ", indexed " + actual.get(e.getKey()));
                compared++;
            }
            // The indexed call: catalogued candidates by number, answers in their order (repeats included).
            List<String> known = candidates.stream().filter(id -> numbering.indexOf(id) >= 0).toList();
            int[] numbers = known.stream().mapToInt(numbering::indexOf).toArray();
            ScoreArray array = indexed.scorer().scoreIndexed(user, numbering, numbers);
            ScoreArray plainArray = plain.scorer().scoreIndexed(user, numbering, numbers);
            assertEquals(numbers.length, array.scores().length);
            // Another batch (no unknown ids, repeats kept): ONNX Runtime's kernels may round a row differently.
            for (int i = 0; i < numbers.length; i++) {
                assertEquals(actual.get(known.get(i)), array.scores()[i], TOLERANCE, "indexed call, item "
                        + known.get(i));
                assertEquals(expected.get(known.get(i)), plainArray.scores()[i], TOLERANCE, "plain model through"
                        + " the indexed call, item " + known.get(i));
            }
        }
        assertTrue(compared > 5000, "compared " + compared);
        org.slf4j.LoggerFactory.getLogger(IndexedGraphTest.class).info("{} scores compared, largest difference {}",
                compared, worst);
    }

    /**
     * The scorer keeps its indexed inputs (direct buffers with tensors over them) from request to request and only
     * rewrites the values: a request after others of other users and sizes scores bit for bit what the same request
     * scores as the first one of a new scorer (nothing of an earlier user, such as their own items' cells, left over).
     */
    @Test
    void reusedInputTensorsScoreBitForBitAsAFirstRequestAcrossUsersAndSizes() {
        ItemNumbering numbering = indexed.scorer().numbering().orElseThrow();
        List<String> users = new ArrayList<>(demo.events.stream().map(Event::userId).distinct().limit(4).toList());
        users.add("nobody");
        Random random = new Random(29);
        int[] sizes = {60, 60, 3, 200, 60, 1, 200};
        BehaviourVectors vectors = vectors(demo, new Random(3));
        for (int request = 0; request < sizes.length; request++) {
            String user = users.get(request % users.size());
            int[] numbers = new int[sizes[request]];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = random.nextInt(numbering.size());
            }
            // Repeated on the long-lived scorer too: its second answer comes from the same tensors again.
            float[] reused = indexed.scorer().scoreIndexed(user, numbering, numbers).scores();
            float[] again = indexed.scorer().scoreIndexed(user, numbering, numbers).scores();
            Served once = serve(indexedDir, vectors);
            try {
                float[] first = once.scorer().scoreIndexed(user, numbering, numbers).scores();
                assertArrayEquals(first, reused, "request " + request + " of " + user + ", " + numbers.length
                        + " candidates");
                assertArrayEquals(first, again, "request " + request + " repeated");
            } finally {
                once.close();
            }
        }
    }

    @Test
    void aGraphOfAnotherShapeIsReorderedByAGatherWithTheSameScores() throws Exception {
        Path version = Files.list(indexedDir.resolve("ranker")).filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        Map<String, Object> card = card(version);
        @SuppressWarnings("unchecked")
        List<String> features = (List<String>) ((Map<String, Object>) card.get("signature")).get("features");
        byte[] plainGraph = Files.readAllBytes(plainDir.resolve("ranker").resolve(version.getFileName())
                .resolve(ModelFolder.ONNX));
        Path gatheredDir = dir.resolve("gathered");
        Path folder = Files.createDirectories(gatheredDir.resolve("ranker").resolve(version.getFileName()));
        Files.write(folder.resolve(ModelFolder.ONNX), IndexedGraph.wrap(plainGraph, "input", features, false));
        Files.copy(version.resolve(ModelFolder.CARD), folder.resolve(ModelFolder.CARD));
        Served gathered = serve(gatheredDir, vectors(demo, new Random(3)));
        try {
            Random random = new Random(5);
            List<String> ids = demo.items.stream().map(i -> i.id()).toList();
            for (String user : List.of("u1", "u2", "u3")) {
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    candidates.add(ids.get(random.nextInt(ids.size())));
                }
                Map<String, Double> expected = plain.scorer().score(user, candidates).scores();
                Map<String, Double> actual = gathered.scorer().score(user, candidates).scores();
                expected.forEach((id, score) -> assertEquals(score, actual.get(id), TOLERANCE, user + " " + id));
            }
        } finally {
            gathered.close();
        }
    }

    @Test
    void cachedUserTablesScoreBitForBitAsFreshOnesThroughNewEvents() {
        FakeEvents events = new FakeEvents(demo.events);
        events.serving = true;
        BehaviourVectors vectors = vectors(demo, new Random(3));
        Served cached = serve(indexedDir, vectors, events, 64);
        Served fresh = serve(indexedDir, vectors, events, 0);
        try {
            Random random = new Random(23);
            List<String> users = demo.events.stream().map(Event::userId).distinct().limit(40).toList();
            List<String> ids = demo.items.stream().map(i -> i.id()).toList();
            Instant now = demo.events.stream().map(Event::timestamp).max(java.util.Comparator.naturalOrder())
                    .orElseThrow();
            int appended = 0;
            for (int request = 0; request < 300; request++) {
                String user = users.get(random.nextInt(users.size()));
                if (random.nextInt(4) == 0) {
                    now = now.plusSeconds(60);
                    List<Event> batch = List.of(new Event("indexed-" + appended++, TYPES.get(random.nextInt(4)),
                            user, ids.get(random.nextInt(ids.size())), 1, now));
                    events.append(batch);
                    cached.scorer().eventsStored(batch);
                    fresh.scorer().eventsStored(batch);
                }
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    candidates.add(ids.get(random.nextInt(ids.size())));
                }
                Map<String, Double> a = cached.scorer().score(user, candidates).scores();
                Map<String, Double> b = fresh.scorer().score(user, candidates).scores();
                assertEquals(b, a, "request " + request + " of user " + user);
            }
            assertTrue(cached.scorer().profileCacheStats()[0] > 100, "cache hits "
                    + cached.scorer().profileCacheStats()[0]);
        } finally {
            cached.close();
            fresh.close();
        }
    }

    @Test
    void theIndexedCallRefusesNumbersOutsideTheNumbering() {
        ItemNumbering numbering = indexed.scorer().numbering().orElseThrow();
        assertThrows(IndexOutOfBoundsException.class, () -> indexed.scorer().scoreIndexed("u1", numbering,
                new int[] {0, numbering.size()}));
        assertThrows(IndexOutOfBoundsException.class, () -> indexed.scorer().scoreIndexed("u1", numbering,
                new int[] {-1}));
        assertEquals(0, indexed.scorer().scoreIndexed("u1", numbering, new int[0]).scores().length);
    }

    @Test
    void aNumberingOfAnOlderSnapshotIsTranslatedThroughItsIds() {
        ItemNumbering old = indexed.scorer().numbering().orElseThrow();
        indexed.scorer().refreshSnapshot();
        ItemNumbering now = indexed.scorer().numbering().orElseThrow();
        assertTrue(old != now, "a rebuild makes a new numbering");
        int[] numbers = {0, 5, 5, old.size() - 1};
        float[] before = indexed.scorer().scoreIndexed("u1", old, numbers).scores();
        int[] current = new int[numbers.length];
        for (int i = 0; i < numbers.length; i++) {
            current[i] = now.indexOf(old.itemId(numbers[i]));
        }
        assertArrayEquals(indexed.scorer().scoreIndexed("u1", now, current).scores(), before);
        assertSame(now, indexed.scorer().numbering().orElseThrow());
    }

    @Test
    void theRegistryRefusesAnIndexedCardThatDoesNotMatchItsGraph() throws Exception {
        Path version = Files.list(indexedDir.resolve("ranker")).filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        byte[] onnx = Files.readAllBytes(version.resolve(ModelFolder.ONNX));
        Map<String, Object> card = card(version);
        String name = version.getFileName().toString();
        assertEquals(null, refusal(name, onnx, card), "the card as written is served");

        // The columns the scorer fills differ from the card's: refused before the graph is even opened.
        Map<String, Object> columns = edited(card, in -> {
            if ("item_values".equals(in.get("feature"))) {
                List<Object> changed = new ArrayList<>((List<?>) in.get("columns"));
                java.util.Collections.swap(changed, 0, 1);
                in.put("columns", changed);
            }
        });
        String why = refusal(name, onnx, columns);
        assertTrue(why != null && why.startsWith("signature.inputs[1].columns"), why);

        // A card naming a tensor the graph does not have.
        Map<String, Object> renamed = edited(card, in -> {
            if ("user_items".equals(in.get("feature"))) {
                in.put("name", "user_item_cells");
            }
        });
        why = refusal(name, onnx, renamed);
        assertTrue(why != null && why.startsWith("signature.inputs[6].name"), why);

        // The plain graph under the indexed card.
        byte[] plainGraph = Files.readAllBytes(plainDir.resolve("ranker").resolve(name).resolve(ModelFolder.ONNX));
        why = refusal(name, plainGraph, card);
        assertTrue(why != null && why.startsWith("signature.inputs"), why);
    }

    @Test
    void theTrainerScoresAnIndexedLiveModelThroughTheGraphInside() throws Exception {
        ModelFolder.Live live = new ModelFolder(indexedDir, "ranker").live().orElseThrow();
        LiveContender contender = LiveContender.of(live, 100);
        assertEquals("input", contender.input());
        assertEquals(19, contender.features().size());
        assertEquals(200, contender.historyLimit());
        try (OnnxModel model = new OnnxModel(contender.onnx(), contender.input(), contender.features(),
                contender.output(), contender.positiveIndex(), new EngineeredFeatureExtractor().featureNames())) {
            float[] row = new float[new EngineeredFeatureExtractor().featureNames().size()];
            double score = model.score(List.of(row))[0];
            assertTrue(score > 0 && score < 1, "score " + score);
        }
    }

    /** The registry's refusal of this card and graph ("field: reason"), or null when it serves them. */
    private String refusal(String version, byte[] onnx, Map<String, Object> card) throws Exception {
        Path tmp = Files.createTempDirectory(dir, "card");
        Path folder = Files.createDirectories(tmp.resolve("ranker").resolve(version));
        Files.write(folder.resolve(ModelFolder.ONNX), onnx);
        Files.writeString(folder.resolve(ModelFolder.CARD), Json.write(card), StandardCharsets.UTF_8);
        OnnxModelRegistry registry = new OnnxModelRegistry(new EngineeredFeatureExtractor());
        registry.activate(scoringConfig(Map.of("models.dir", tmp.toString(), "poll.seconds", 3600)));
        try {
            return registry.refusals().stream().map(r -> r.field() + ": " + r.reason()).findFirst().orElse(null);
        } finally {
            registry.deactivate();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> edited(Map<String, Object> card,
            java.util.function.Consumer<Map<String, Object>> input) {
        Map<String, Object> copy = new LinkedHashMap<>(card);
        Map<String, Object> signature = new LinkedHashMap<>((Map<String, Object>) card.get("signature"));
        List<Object> inputs = new ArrayList<>();
        for (Object in : (List<Object>) signature.get("inputs")) {
            Map<String, Object> changed = new LinkedHashMap<>((Map<String, Object>) in);
            input.accept(changed);
            inputs.add(changed);
        }
        signature.put("inputs", inputs);
        copy.put("signature", signature);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> card(Path version) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(version.resolve(ModelFolder.CARD)));
    }

    /** Random vectors for most items and half the users (the rest are folded in from their history). */
    private static BehaviourVectors vectors(DemoFixture demo, Random random) {
        int dimension = 8;
        Map<String, float[]> items = new HashMap<>();
        demo.items.forEach(item -> {
            if (random.nextInt(10) > 0) {
                items.put(item.id(), randomVector(random, dimension));
            }
        });
        Map<String, float[]> users = new HashMap<>();
        demo.events.stream().map(Event::userId).distinct().forEach(user -> {
            if (random.nextBoolean()) {
                users.put(user, randomVector(random, dimension));
            }
        });
        return new BehaviourVectors("ials", "test", dimension, items, users, 0.1, Instant.now());
    }

    private static float[] randomVector(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (random.nextGaussian() * 0.5);
        }
        return v;
    }

    private Served serve(Path models, BehaviourVectors vectors) {
        FakeEvents events = new FakeEvents(demo.events);
        events.serving = true;
        return serve(models, vectors, events, 64);
    }

    private Served serve(Path models, BehaviourVectors vectors, FakeEvents events, int cacheMb) {
        ScoringConfig config = scoringConfig(Map.of("models.dir", models.toString(), "poll.seconds", 3600,
                "snapshot.refresh.seconds", 0, "history.limit", 1000, "profile.cache.mb", cacheMb));
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(config);
        OnnxInterestScorer scorer = new OnnxInterestScorer(extractor, registry, new FakeItems(demo.items), events);
        scorer.setBehaviour(() -> Optional.of(vectors));
        scorer.activate(config);
        scorer.refreshSnapshot();
        return new Served(registry, scorer);
    }

    private static ScoringConfig scoringConfig(Map<String, Object> values) {
        return (ScoringConfig) Proxy.newProxyInstance(ScoringConfig.class.getClassLoader(),
                new Class<?>[] {ScoringConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> ScoringConfig.class;
                    case "toString" -> "ScoringConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
                });
    }

    private static TrainerComponent.Config config(Map<String, Object> values) {
        return (TrainerComponent.Config) Proxy.newProxyInstance(TrainerComponent.Config.class.getClassLoader(),
                new Class<?>[] {TrainerComponent.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> TrainerComponent.Config.class;
                    case "toString" -> "Config" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
                });
    }
}
