package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

class TrainerComponentTest {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerComponentTest.class);

    @TempDir
    Path models;

    private static Settings settings(Path dir) {
        return new Settings(dir, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10", 100);
    }

    private TrainerComponent trainer(Synthetic data, FakeEvents events, TasteExtractor extractor) {
        return new TrainerComponent(new FakeItems(data.items), events, extractor, settings(models),
                Clock.systemUTC());
    }

    private static Synthetic small() {
        return new Synthetic(200, 300, 8_000, 11);
    }

    private Set<String> folders() throws Exception {
        Path dir = models.resolve("ranker");
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(EvaluationLog.FOLDER))
                    .collect(Collectors.toSet());
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void trainsOnHundredThousandEventsPromotesAndWritesAValidCardAndOnnx() throws Exception {
        Synthetic data = new Synthetic(1000, 2000, 100_000, 7);
        TrainerComponent trainer = trainer(data, new FakeEvents(data.events), new TasteExtractor());

        long started = System.nanoTime();
        TrainingReport report = trainer.train(true);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        LOG.info("Trained on 100k events / 2,000 items / 1,000 users in {} ms: {} train rows, {} test rows,"
                + " metrics {}, baselines {}", millis, report.trainRows(), report.testRows(), report.metrics(),
                report.baselines());

        assertEquals(Status.PROMOTED, report.status(), report.message());
        assertEquals(Set.of(report.version()), folders(), "only the version folder, no .tmp- left");
        Path folder = models.resolve("ranker").resolve(report.version());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(Set.of("model.onnx", "model.json"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertTrue(report.version().matches("\\d{8}T\\d{9}Z"), report.version());

        String cardText = Files.readString(folder.resolve("model.json"), StandardCharsets.UTF_8);
        LOG.info("Card written:\n{}", cardText);
        Map<String, Object> card = (Map<String, Object>) Json.parse(cardText);
        assertEquals("ranker", card.get("name"));
        assertEquals(report.version(), card.get("version"));
        assertEquals("tribuo 4.3.2 LogisticRegression", card.get("framework"));
        Map<String, Object> signature = (Map<String, Object>) card.get("signature");
        List<Object> inputs = (List<Object>) signature.get("inputs");
        List<Object> outputs = (List<Object>) signature.get("outputs");
        assertEquals(1, inputs.size());
        assertEquals(1, outputs.size());
        Map<String, Object> input = (Map<String, Object>) inputs.get(0);
        Map<String, Object> output = (Map<String, Object>) outputs.get(0);
        List<String> features = (List<String>) input.get("features");
        assertEquals("input", input.get("name"));
        assertEquals("float32", input.get("type"));
        assertEquals(List.of(-1.0, (double) features.size()), input.get("shape"));
        assertEquals(Set.copyOf(TasteExtractor.NAMES), Set.copyOf(features), "every extractor feature is used");
        assertEquals("output", output.get("name"));
        assertEquals(List.of(-1.0, 2.0), output.get("shape"));

        // The card's columns are the model's feature ids, not the extractor's order.
        TrainingRun.Outcome outcome = trainer.lastOutcome;
        ImmutableFeatureMap featureMap = outcome.model().getFeatureIDMap();
        for (int i = 0; i < features.size(); i++) {
            assertEquals(i, featureMap.getID(features.get(i)), features.get(i));
        }
        assertNotEquals(TasteExtractor.NAMES, features, "the synthetic extractor's order differs from Tribuo's");
        int positiveIndex = ((Double) output.get("positiveIndex")).intValue();
        assertEquals(outcome.model().getOutputIDInfo().getID(new Label("1")), positiveIndex);

        Map<String, Object> metrics = (Map<String, Object>) card.get("metrics");
        Map<String, Object> baselines = (Map<String, Object>) card.get("baselines");
        double auc = (Double) metrics.get("auc");
        double ndcg = (Double) metrics.get("ndcg@10");
        assertTrue(auc > 0.7, "auc " + auc);
        assertTrue(ndcg > (Double) baselines.get("popularity.ndcg@10"), "model " + metrics + " vs " + baselines);
        assertTrue((Double) metrics.get("hr@10") > (Double) baselines.get("popularity.hr@10"));
        assertTrue((Double) metrics.get("logloss") > 0);
        Map<String, Object> training = (Map<String, Object>) card.get("training");
        assertEquals(100_000.0, training.get("events"));
        assertTrue(((String) training.get("fitOn")).startsWith("train rows only"));
        assertTrue(((String) training.get("cutoff")).compareTo((String) training.get("splitAt")) < 0);

        assertOnnxMatchesTribuo(folder.resolve("model.onnx"), features, positiveIndex, outcome);
    }

    @SuppressWarnings("unchecked")
    @Test
    void aFactorisationMachineRankerTrainsExportsToOnnxAndSaysSoOnItsCard() throws Exception {
        Synthetic data = new Synthetic(400, 600, 20_000, 7);
        TrainerComponent trainer = new TrainerComponent(new FakeItems(data.items), new FakeEvents(data.events),
                new TasteExtractor(), new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10", 100, null,
                        Settings.FM, 4), Clock.systemUTC());

        TrainingReport report = trainer.train(true);

        assertEquals(Status.PROMOTED, report.status(), report.message());
        Path folder = models.resolve("ranker").resolve(report.version());
        Map<String, Object> card = (Map<String, Object>) Json.parse(Files.readString(folder.resolve("model.json"),
                StandardCharsets.UTF_8));
        assertEquals(TrainerComponent.FRAMEWORK_FM, card.get("framework"));
        assertTrue(((String) ((Map<String, Object>) card.get("training")).get("trainer"))
                .startsWith("FMClassificationTrainer"), card.toString());
        Map<String, Object> output = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) card
                .get("signature")).get("outputs")).get(0);
        List<String> features = (List<String>) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) card
                .get("signature")).get("inputs")).get(0)).get("features");
        Map<String, Object> metrics = (Map<String, Object>) card.get("metrics");
        Map<String, Object> baselines = (Map<String, Object>) card.get("baselines");
        assertTrue((Double) metrics.get("ndcg@10") > (Double) baselines.get("popularity.ndcg@10"),
                metrics + " vs " + baselines);
        assertOnnxMatchesTribuo(folder.resolve("model.onnx"), features,
                ((Double) output.get("positiveIndex")).intValue(), trainer.lastOutcome);
    }

    private static void assertOnnxMatchesTribuo(Path onnx, List<String> cardFeatures, int positiveIndex,
            TrainingRun.Outcome outcome) throws Exception {
        List<float[]> rows = outcome.sampleRows();
        List<String> extractorOrder = outcome.extractorFeatures();
        int f = cardFeatures.size();
        FloatBuffer buffer = FloatBuffer.allocate(rows.size() * f);
        List<Example<Label>> examples = new ArrayList<>();
        for (float[] row : rows) {
            for (String name : cardFeatures) {
                buffer.put(row[extractorOrder.indexOf(name)]);
            }
            String[] names = extractorOrder.toArray(String[]::new);
            double[] values = new double[row.length];
            for (int j = 0; j < row.length; j++) {
                values[j] = row[j];
            }
            examples.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, values));
        }
        buffer.flip();
        List<Prediction<Label>> predictions = outcome.model().predict(examples);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            assertEquals(Set.of("input"), session.getInputNames());
            assertEquals(Set.of("output"), session.getOutputNames());
            long[] shape = ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape();
            assertEquals(-1, shape[0]);
            assertEquals(f, shape[1]);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {rows.size(), f});
                    OrtSession.Result result = session.run(Map.of("input", tensor))) {
                float[][] out = (float[][]) result.get(0).getValue();
                assertEquals(rows.size(), out.length);
                assertTrue(rows.size() >= 100);
                for (int i = 0; i < out.length; i++) {
                    double tribuo = predictions.get(i).getOutputScores().get("1").getScore();
                    assertEquals(tribuo, out[i][positiveIndex], 1e-5, "row " + i);
                }
            }
        }
    }

    @Test
    void promotesThenSkipsWhenNothingIsNewThenRejectsAnEqualModel() throws Exception {
        Synthetic data = small();
        FakeEvents events = new FakeEvents(data.events);
        TrainerComponent trainer = trainer(data, events, new TasteExtractor());

        TrainingReport first = trainer.train(false);
        assertEquals(Status.PROMOTED, first.status(), first.message());

        TrainingReport again = trainer.train(false);
        assertEquals(Status.SKIPPED, again.status());
        assertTrue(again.message().contains("no event newer"), again.message());

        // A fresh instance (a restart) learns what the live model saw from its card.
        TrainingReport restarted = trainer(data, events, new TasteExtractor()).train(false);
        assertEquals(Status.SKIPPED, restarted.status(), restarted.message());

        // Same data and seed give the same ndcg@10: not better, so not written.
        TrainingReport forced = trainer.train(true);
        assertEquals(Status.REJECTED, forced.status(), forced.message());
        assertNull(forced.version());
        assertEquals(Set.of(first.version()), folders());
        assertEquals(forced, trainer.lastReport().orElseThrow());
        assertEquals(first.metrics().get("ndcg@10"), forced.metrics().get("ndcg@10"));
    }

    @Test
    void gateRejectsAModelWorseThanTheLiveCard() throws Exception {
        Path live = Files.createDirectories(models.resolve("ranker").resolve("20200101T000000000Z"));
        Files.writeString(live.resolve("model.json"), "{\"name\": \"ranker\", \"version\": \"20200101T000000000Z\","
                + " \"metrics\": {\"ndcg@10\": 0.99}, \"training\": {\"to\": \"2020-01-01T00:00:00Z\"}}");
        Files.write(live.resolve("model.onnx"), new byte[] {1, 2, 3});
        Synthetic data = small();

        TrainingReport report = trainer(data, new FakeEvents(data.events), new TasteExtractor()).train(false);

        assertEquals(Status.REJECTED, report.status(), report.message());
        assertTrue(report.message().contains("0.9900") && report.message().contains("20200101T000000000Z"),
                report.message());
        assertFalse(report.metrics().isEmpty(), "a rejected report still carries its metrics");
        assertEquals(Set.of("20200101T000000000Z"), folders());
    }

    @Test
    void gatePromotesOverAWorseLiveCardWithAGreaterVersion() throws Exception {
        // The live version is in the future of the clock: the new one must still sort after it.
        String future = "20991231T235959999Z";
        Path live = Files.createDirectories(models.resolve("ranker").resolve(future));
        Files.writeString(live.resolve("model.json"), "{\"name\": \"ranker\", \"version\": \"" + future + "\","
                + " \"metrics\": {\"ndcg@10\": 0.01}}");
        Files.write(live.resolve("model.onnx"), new byte[] {1});
        Synthetic data = small();

        TrainingReport report = trainer(data, new FakeEvents(data.events), new TasteExtractor()).train(false);

        assertEquals(Status.PROMOTED, report.status(), report.message());
        assertTrue(report.version().compareTo(future) > 0, report.version());
        assertEquals(Set.of(future, report.version()), folders());
    }

    @Test
    void tooFewEventsAreSkipped() throws Exception {
        Synthetic data = new Synthetic(20, 50, 999, 3);
        TrainingReport report = trainer(data, new FakeEvents(data.events), new TasteExtractor()).train(true);
        assertEquals(Status.SKIPPED, report.status());
        assertTrue(report.message().contains("min.events"), report.message());
        assertEquals(Set.of(), folders());
    }

    @Test
    void eventsAllAtOneInstantCannotBeSplitAndAreSkipped() {
        Synthetic data = small();
        List<Event> sameTime = new ArrayList<>();
        for (Event e : data.events.subList(0, 2000)) {
            sameTime.add(new Event(e.id(), e.type(), e.userId(), e.itemId(), 1, Synthetic.START));
        }
        TrainingReport report = trainer(data, new FakeEvents(sameTime), new TasteExtractor()).train(true);
        assertEquals(Status.SKIPPED, report.status());
        assertTrue(report.message().contains("split"), report.message());
    }

    @Test
    void aSecondCallWhileOneRunsIsSkipped() throws Exception {
        Synthetic data = small();
        FakeEvents events = new FakeEvents(data.events);
        TrainerComponent trainer = trainer(data, events, new TasteExtractor());
        events.block();
        CompletableFuture<TrainingReport> first = CompletableFuture.supplyAsync(() -> trainer.train(true));
        assertTrue(events.entered.await(10, TimeUnit.SECONDS));

        TrainingReport second = trainer.train(true);
        events.release.countDown();

        assertEquals(Status.SKIPPED, second.status());
        assertTrue(second.message().contains("already in progress"), second.message());
        assertEquals(Status.PROMOTED, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(Status.PROMOTED, trainer.lastReport().orElseThrow().status(), "the busy skip is not kept");
    }

    @Test
    void aFailureIsReportedNotThrownAndLeavesNoTemporaryFolder() throws Exception {
        Synthetic data = small();
        TasteExtractor extractor = new TasteExtractor();
        extractor.failWith = new IllegalStateException("snapshot store is closed");
        TrainerComponent trainer = trainer(data, new FakeEvents(data.events), extractor);

        TrainingReport report = trainer.train(true);

        assertEquals(Status.FAILED, report.status());
        assertTrue(report.message().contains("snapshot store is closed"), report.message());
        assertEquals(report, trainer.lastReport().orElseThrow());
        assertEquals(Set.of(), folders());
    }

    @Test
    void newEventsAfterARunAllowAnUnforcedRun() {
        Synthetic data = small();
        FakeEvents events = new FakeEvents(data.events);
        TrainerComponent trainer = trainer(data, events, new TasteExtractor());
        assertEquals(Status.PROMOTED, trainer.train(false).status());

        Event last = events.events.get(events.events.size() - 1);
        events.append(List.of(new Event("late", EventType.PURCHASE, last.userId(), last.itemId(), 1,
                last.timestamp().plusSeconds(60))));
        TrainingReport report = trainer.train(false);

        assertTrue(report.status() == Status.PROMOTED || report.status() == Status.REJECTED, report.message());
        assertEquals(data.events.size() + 1L, trainer.lastOutcome.events());
    }
}
