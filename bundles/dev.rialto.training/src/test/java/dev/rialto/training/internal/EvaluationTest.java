package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    @TempDir
    Path models;

    /** Item indices ordered by score, best first (ties: lower index). */
    private static int[] ranking(double[] scores) {
        return java.util.stream.IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Test
    void itemKnnIsCosineOnCoOccurrenceSummedOverTheHistory() {
        // u0 {0,1}, u1 {0,1,2}, u2 {2,3}: sim(0,1)=2/2=1, sim(0,2)=sim(1,2)=1/2, sim(2,3)=1/sqrt(2), sim(0,3)=0.
        Baselines.ItemKnn knn = new Baselines.ItemKnn(new int[][] {{0, 1}, {0, 1, 2}, {2, 3}}, 4, 10);
        assertArrayEquals(new int[] {1, 2}, knn.neighbours[0]);
        assertArrayEquals(new int[] {3, 0, 1}, knn.neighbours[2]);
        assertArrayEquals(new double[] {0, 1, 0.5, 0}, knn.scores(new int[] {0}), 1e-6);
        double[] s = knn.scores(new int[] {0, 3});
        assertArrayEquals(new double[] {0, 1, 0.5 + Math.sqrt(0.5), 0}, s, 1e-6);
        assertArrayEquals(new int[] {2, 1, 0, 3}, ranking(s));
        // Only the best neighbour kept (ties: lower index).
        Baselines.ItemKnn top1 = new Baselines.ItemKnn(new int[][] {{0, 1}, {0, 1, 2}, {2, 3}}, 4, 1);
        assertArrayEquals(new int[] {1}, top1.neighbours[0]);
        assertArrayEquals(new int[] {3}, top1.neighbours[2]);
        assertArrayEquals(new int[] {2}, top1.neighbours[3]);
    }

    @Test
    void buyAgainRanksTheUsersOwnItemsByWeightThenByPopularity() {
        double[] s = Baselines.buyAgain(new double[] {0, 3, 1, 1, 0}, new long[] {10, 1, 5, 2, 4});
        assertArrayEquals(new int[] {1, 2, 3, 0, 4}, ranking(s));
        assertTrue(s[3] < 2, "popularity never outweighs one interaction");
    }

    @Test
    void fullRankingHitAndNdcg() {
        double[] scores = {0.9, 0.8, 0.7, 0.1, 0.5};
        double[] keys = new double[5];
        // Top 2 = [0, 1]: one hit at rank 2 of an ideal two.
        assertArrayEquals(new double[] {1, (1 / LOG2_3) / (1 + 1 / LOG2_3)},
                Metrics.fullHitAndNdcg(scores, keys, new int[] {1, 3}, 2), 1e-12);
        // Order 0, 1, 2, 4, 3: hits at ranks 2 and 5.
        double dcg = 1 / LOG2_3 + 1 / (Math.log(6) / Math.log(2));
        assertArrayEquals(new double[] {1, dcg / (1 + 1 / LOG2_3)},
                Metrics.fullHitAndNdcg(scores, keys, new int[] {1, 3}, 10), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Metrics.fullHitAndNdcg(scores, keys, new int[] {3}, 3), 1e-12);
        // Ties follow the tie keys.
        assertArrayEquals(new int[] {1, 2}, Metrics.topK(new double[] {1, 1, 1}, new double[] {0.1, 0.9, 0.5}, 2));
    }

    @Test
    void aRankedListScoresOnlyWhatItShows() {
        // [4, 1, 0]: hit at rank 2 of an ideal two.
        assertArrayEquals(new double[] {1, (1 / LOG2_3) / (1 + 1 / LOG2_3)},
                Metrics.listHitAndNdcg(List.of(4, 1, 0), new int[] {1, 3}, 10), 1e-12);
        // Nothing is padded: a short list misses what it does not show.
        assertArrayEquals(new double[] {0, 0}, Metrics.listHitAndNdcg(List.of(), new int[] {1}, 10), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Metrics.listHitAndNdcg(List.of(0, 1), new int[] {1}, 1), 1e-12);
    }

    @Test
    void aPipelineOfTheWholeCatalogueRerankedByTheModelMatchesTheModelAndAnEmptyOneScoresZero() {
        Synthetic data = new Synthetic(200, 300, 8_000, 11);
        Map<String, dev.rialto.api.catalog.Item> items = new java.util.LinkedHashMap<>();
        data.items.forEach(i -> items.put(i.id(), i));
        Settings settings = new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10", 100);
        List<String> catalogue = data.items.stream().map(dev.rialto.api.catalog.Item::id).sorted().toList();
        java.util.concurrent.atomic.AtomicReference<dev.rialto.api.retrieval.BehaviourVectors> prepared =
                new java.util.concurrent.atomic.AtomicReference<>();
        TrainingRun.Outcome all = new TrainingRun(settings, new TasteExtractor(), items, data.events)
                .pipeline(new TrainingRun.Pipeline() {
                    @Override
                    public void prepare(dev.rialto.api.retrieval.BehaviourVectors v) {
                        prepared.set(v);
                    }

                    @Override
                    public List<String> candidates(String user) {
                        assertTrue(prepared.get() != null, "prepared before the first candidates");
                        return catalogue;
                    }
                }).run();
        Map<String, Double> model = all.results().get(EvaluationReport.MODEL);
        Map<String, Double> pipeline = all.results().get(TrainingRun.PIPELINE);
        assertEquals(1.0, pipeline.get(TrainingRun.CANDIDATE_RECALL), 1e-12);
        assertEquals(model.get("hr@10.full"), pipeline.get("hr@10.full"), 1e-9);
        assertEquals(model.get("ndcg@10.full"), pipeline.get("ndcg@10.full"), 1e-9);
        // The iALS vectors handed over are the split's: items of the catalogue, users from before the split.
        assertEquals(300, prepared.get().items().size());
        assertTrue(prepared.get().trainedAt().equals(all.splitAt()));

        TrainingRun.Outcome none = new TrainingRun(settings, new TasteExtractor(), items, data.events)
                .pipeline(new TrainingRun.Pipeline() {
                    @Override
                    public void prepare(dev.rialto.api.retrieval.BehaviourVectors v) {
                    }

                    @Override
                    public List<String> candidates(String user) {
                        return List.of("no-such-item");
                    }
                }).run();
        assertEquals(0.0, none.results().get(TrainingRun.PIPELINE).get("ndcg@10.full"), 1e-12);
        assertEquals(0.0, none.results().get(TrainingRun.FUSED).get(TrainingRun.CANDIDATE_RECALL), 1e-12);
        assertTrue(none.results().get(EvaluationReport.MODEL).get("ndcg@10.full") > 0);
    }

    @Test
    void expectedCalibrationError() {
        // Bin [0.1, 0.2): mean p 0.1, positives 1/2 -> 0.4 x 2/4; bin [0.9, 1]: mean p 0.95, positives 1 -> 0.05 x 2/4.
        assertEquals(0.225, Metrics.ece(new double[] {0.1, 0.1, 0.9, 1.0}, new boolean[] {false, true, true, true},
                10), 1e-12);
        assertEquals(0.0, Metrics.ece(new double[] {0.25, 0.25, 0.25, 0.25}, new boolean[] {true, false, false, false},
                10), 1e-12);
    }

    private TrainerComponent trainer(Synthetic data) {
        return new TrainerComponent(new FakeItems(data.items), new FakeEvents(data.events), new TasteExtractor(),
                new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10", 100), Clock.systemUTC());
    }

    @Test
    void theSecondRunScoresTheLiveModelOnTheSameSplitAndTheGateUsesThatNumber() throws Exception {
        Synthetic data = new Synthetic(200, 300, 8_000, 11);
        TrainerComponent trainer = trainer(data);
        TrainingReport first = trainer.train(true);
        assertEquals(Status.PROMOTED, first.status(), first.message());
        double firstNdcg = first.metrics().get("ndcg@10");
        // The live card claims a very poor number: a gate reading the card would promote the second model.
        Path card = models.resolve("ranker").resolve(first.version()).resolve("model.json");
        String text = Files.readString(card, StandardCharsets.UTF_8);
        Files.writeString(card, text.replaceFirst("\"ndcg@10\": [0-9.E-]+", "\"ndcg@10\": 0.001"));

        TrainingReport second = trainer.train(true);

        assertEquals(Status.REJECTED, second.status(), second.message());
        assertTrue(second.message().contains("measured now on the same split"), second.message());
        EvaluationReport evaluation = trainer.evaluations("ranker", 10).get(0);
        assertEquals(Status.REJECTED, evaluation.status());
        assertEquals(first.version(), evaluation.liveVersion());
        assertEquals(EvaluationReport.LIVE_MEASURED, evaluation.liveSource());
        // Same data and seed: the live model is the same model, scored by ORT on the same rows.
        assertEquals(firstNdcg, evaluation.value("live", "ndcg@10"), 1e-12);
        assertEquals(evaluation.value("model", "ndcg@10"), evaluation.value("live", "ndcg@10"), 1e-12);
        assertEquals(evaluation.value("model", "ndcg@10.full"), evaluation.value("live", "ndcg@10.full"), 1e-12);
        assertEquals(evaluation.value("model", "auc"), evaluation.value("live", "auc"), 1e-9);
        assertEquals("live", evaluation.winner(), "a tie leaves the live model the winner");
        for (String b : List.of("popularity", "item-knn", "buy-again")) {
            assertTrue(evaluation.results().get(b).containsKey("ndcg@10.full"), b);
        }
    }

    @Test
    void aLiveModelWithAnUnknownFeatureFallsBackToItsCardAndSaysSo() throws Exception {
        Synthetic data = new Synthetic(200, 300, 8_000, 11);
        TrainerComponent trainer = trainer(data);
        TrainingReport first = trainer.train(true);
        Path card = models.resolve("ranker").resolve(first.version()).resolve("model.json");
        String text = Files.readString(card, StandardCharsets.UTF_8).replace("\"item_price\"", "\"item_colour\"")
                .replaceFirst("\"ndcg@10\": [0-9.E-]+", "\"ndcg@10\": 0.999");
        Files.writeString(card, text);

        TrainingReport second = trainer.train(true);

        assertEquals(Status.REJECTED, second.status(), second.message());
        assertTrue(second.message().contains("from its card") && second.message().contains("item_colour"),
                second.message());
        EvaluationReport evaluation = trainer.evaluations("ranker", 1).get(0);
        assertEquals(EvaluationReport.LIVE_CARD, evaluation.liveSource());
        assertEquals(0.999, evaluation.value("live", "ndcg@10"), 1e-12);
        assertEquals("live", evaluation.winner());
    }

    @Test
    void everyRunIsKeptNewestFirstAndNamesAreChecked() {
        Synthetic data = new Synthetic(200, 300, 8_000, 11);
        TrainerComponent trainer = trainer(data);
        trainer.train(true);
        assertEquals(Status.SKIPPED, trainer.train(false).status());
        trainer.train(true);
        List<EvaluationReport> kept = trainer.evaluations("ranker", 10);
        // The skipped run is not kept; the second forced run ties the live model, which stays.
        assertEquals(List.of(Status.REJECTED, Status.PROMOTED), kept.stream().map(EvaluationReport::status).toList());
        assertTrue(kept.get(0).startedAt().isAfter(kept.get(1).startedAt())
                || kept.get(0).startedAt().equals(kept.get(1).startedAt()));
        assertEquals("model", kept.get(1).winner());
        assertEquals(kept.get(1).version() != null, true);
        assertTrue(kept.get(1).splitAt().isAfter(kept.get(1).cutoff()));
        assertTrue(kept.get(1).fullRankUsers() > 0 && kept.get(1).testRows() > 0);
        assertEquals(List.of(), trainer.evaluations("other", 10));
        assertThrows(IllegalArgumentException.class, () -> trainer.evaluations("../ranker", 10));
        assertThrows(IllegalArgumentException.class, () -> trainer.evaluations("ranker", 0));
    }

    @Test
    void theLogKeepsTheNewestHundred() throws Exception {
        EvaluationLog log = new EvaluationLog(models, "ranker");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 103; i++) {
            log.write(new EvaluationReport("ranker", t0.plusSeconds(i), t0.plusSeconds(i), Status.REJECTED, null,
                    "v1", EvaluationReport.LIVE_MEASURED, "ndcg@10", "live",
                    Map.of("model", Map.of("ndcg@10", i / 1000.0), "live", Map.of("ndcg@10", 0.5)), t0, t0, t0, t0,
                    1, 2, 3, 4, 5, "run " + i));
        }
        // Same start instant twice: both kept, the later one first.
        log.write(new EvaluationReport("ranker", t0.plusSeconds(102), t0.plusSeconds(103), Status.FAILED, null, null,
                null, "ndcg@10", null, Map.of(), null, null, null, null, 0, 0, 0, 0, 0, "again"));

        List<EvaluationReport> all = log.list(1000);
        assertEquals(100, all.size());
        try (var files = Files.list(log.dir())) {
            assertEquals(100, files.count());
        }
        assertEquals("again", all.get(0).message());
        assertEquals("run 102", all.get(1).message());
        assertEquals("run 4", all.get(99).message());
        assertEquals(0.102, all.get(1).value("model", "ndcg@10"), 1e-12);
        assertEquals(5, all.get(1).fullRankUsers());
        assertEquals(List.of("run 102"), log.list(2).stream().skip(1).map(EvaluationReport::message).toList());
        assertTrue(Arrays.stream(log.dir().toFile().list()).allMatch(n -> n.matches("\\d{8}T\\d{9}Z(-\\d+)?\\.json")));
    }
}
