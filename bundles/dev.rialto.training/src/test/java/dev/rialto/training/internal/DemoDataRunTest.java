package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.demo.internal.DemoFixture;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One whole run on the demo shop with the real feature extractor: time and every contender's numbers. */
class DemoDataRunTest {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDataRunTest.class);

    @TempDir
    Path models;

    @Test
    void aRunOnTheDemoShopComparesTheModelWithEveryBaseline() {
        DemoFixture demo = new DemoFixture();
        TrainerComponent trainer = new TrainerComponent(new FakeItems(demo.items), new FakeEvents(demo.events),
                new EngineeredFeatureExtractor(), new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10",
                        100), Clock.systemUTC());

        long started = System.nanoTime();
        TrainingReport report = trainer.train(true);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(TrainingReport.Status.PROMOTED, report.status(), report.message());
        EvaluationReport evaluation = trainer.evaluations("ranker", 1).get(0);
        StringBuilder table = new StringBuilder();
        evaluation.results().forEach((who, metrics) -> table.append(String.format("%n  %-10s %s", who, metrics)));
        LOG.info("Demo shop ({} events, {} items): run {} ms, {} train / {} test rows, {} users sampled, {} full;"
                + " winner {}{}", demo.events.size(), demo.items.size(), millis, report.trainRows(),
                report.testRows(), evaluation.evalUsers(), evaluation.fullRankUsers(), evaluation.winner(), table);
        assertTrue(evaluation.value("model", "ndcg@10") > evaluation.value("popularity", "ndcg@10"));
        assertTrue(evaluation.value("model", "ndcg@10.full") > evaluation.value("popularity", "ndcg@10.full"));
    }
}
