package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import dev.rialto.api.retrieval.BehaviourVectorSink;
import dev.rialto.api.retrieval.BehaviourVectors;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour model (iALS) through the trainer: evaluation, publication to the sink, jobs and the schedule. */
class BehaviourTrainingTest {

    @TempDir
    Path models;

    /** Records what is published, like the index would keep it. */
    static final class RecordingSink implements BehaviourVectorSink {
        final List<BehaviourVectors> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(BehaviourVectors vectors) {
            published.add(vectors);
        }

        @Override
        public Optional<String> current() {
            return published.isEmpty() ? Optional.empty()
                    : Optional.of(published.get(published.size() - 1).model() + "@"
                            + published.get(published.size() - 1).version());
        }
    }

    private final Synthetic data = new Synthetic(300, 400, 20_000, 21);

    private TrainerComponent trainer(Clock clock) {
        Behaviour.Config behaviour = new Behaviour.Config("behaviour-ials", new Ials.Params(16, 6, 0.1, 10, 3),
                Behaviour.weights("view:1,click:1,add_to_cart:2,purchase:4"));
        return new TrainerComponent(new FakeItems(data.items), new FakeEvents(data.events), new TasteExtractor(),
                new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 3, "ndcg@10", 100, behaviour), clock);
    }

    @Test
    void evaluatesBesideTheBaselinesAndPublishesWhenItBeatsPopularity() {
        TrainerComponent trainer = trainer(Clock.systemUTC());
        RecordingSink sink = new RecordingSink();
        trainer.vectorSink = sink;
        List<String> stages = new CopyOnWriteArrayList<>();
        List<Double> fractions = new CopyOnWriteArrayList<>();
        List<TrainingReport> reports = trainer.train("behaviour-ials", true, (model, stage, fraction) -> {
            assertEquals("behaviour-ials", model);
            stages.add(stage);
            fractions.add(fraction);
        });
        assertEquals(1, reports.size());
        TrainingReport report = reports.get(0);
        assertEquals(Status.PROMOTED, report.status(), report.message());
        assertEquals("behaviour-ials", report.modelName());
        assertTrue(report.metrics().get("ndcg@10.full") > report.baselines().get("popularity.ndcg@10.full"),
                report.metrics() + " vs " + report.baselines());
        assertTrue(report.metrics().get("hr@10") > report.baselines().get("popularity.hr@10"));
        assertTrue(stages.containsAll(List.of("ials", "evaluation", "publish", "done")), stages.toString());
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress never goes back: " + fractions);
        }

        assertEquals(1, sink.published.size());
        BehaviourVectors v = sink.published.get(0);
        assertEquals("behaviour-ials", v.model());
        assertEquals(report.version(), v.version());
        assertEquals(16, v.dimension());
        assertEquals(data.items.stream().filter(i -> data.events.stream().anyMatch(e -> e.itemId().equals(i.id())))
                .count(), v.items().values().stream().filter(x -> x.length == 16).count(), "every catalogue item");
        assertEquals(300, v.users().size());
        assertEquals(0.1, v.regularisation());
        // Published with the confidence Ials trained with, so every consumer folds new users in the same way.
        assertEquals(new dev.rialto.api.retrieval.FoldInConfidence(dev.rialto.api.retrieval.FoldInConfidence.Form.LOG1P,
                10), v.confidence());

        EvaluationReport kept = trainer.evaluations("behaviour-ials", 5).get(0);
        assertEquals(Status.PROMOTED, kept.status());
        assertTrue(kept.results().keySet().containsAll(List.of("model", "popularity", "item-knn", "buy-again")),
                kept.results().keySet().toString());
        assertNotNull(kept.splitAt());

        // Nothing new: skipped, nothing published again.
        assertEquals(Status.SKIPPED, trainer.train("behaviour-ials", false, null).get(0).status());
        assertEquals(1, sink.published.size());
    }

    @Test
    void withoutASinkTheRunIsEvaluatedButNotPublished() {
        TrainerComponent trainer = trainer(Clock.systemUTC());
        TrainingReport report = trainer.train("behaviour-ials", true, null).get(0);
        assertEquals(Status.REJECTED, report.status());
        assertTrue(report.message().contains("no BehaviourVectorSink"), report.message());
        assertTrue(report.metrics().containsKey("ndcg@10.full"));
    }

    @Test
    void theRankerRunEvaluatesIalsAsAContender() {
        TrainerComponent trainer = trainer(Clock.systemUTC());
        TrainingReport report = trainer.train("ranker", true, null).get(0);
        assertEquals(Status.PROMOTED, report.status(), report.message());
        assertTrue(report.baselines().containsKey("ials.ndcg@10.full"), report.baselines().toString());
        EvaluationReport kept = trainer.evaluations("ranker", 1).get(0);
        assertTrue(kept.results().containsKey("ials"));
    }

    @Test
    void unknownModelNamesAreRefused() {
        TrainerComponent trainer = trainer(Clock.systemUTC());
        assertEquals(List.of("ranker", "behaviour-ials"), trainer.trainable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.train("nope", true, null));
        assertTrue(e.getMessage().contains("model 'nope' is not trained here"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> trainer.submit("nope", true));
    }

    @Test
    void aJobRunsInTheBackgroundAndReportsProgressAndEveryModel() throws Exception {
        TrainerComponent trainer = trainer(Clock.systemUTC());
        trainer.vectorSink = new RecordingSink();
        try {
            TrainingJob job = trainer.submit(null, true);
            assertEquals(List.of("ranker", "behaviour-ials"), job.models());
            List<Double> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 120_000;
            TrainingJob now = job;
            while (!now.finished() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                now = trainer.job(job.id()).orElseThrow();
                seen.add(now.progress());
            }
            assertEquals(TrainingJob.State.DONE, now.state(), String.valueOf(now.error()));
            assertEquals(1.0, now.progress());
            assertEquals(2, now.reports().size());
            assertEquals(Status.PROMOTED, now.reports().get(0).status(), now.reports().get(0).message());
            assertEquals(Status.PROMOTED, now.reports().get(1).status(), now.reports().get(1).message());
            assertTrue(seen.stream().anyMatch(p -> p > 0 && p < 1), "progress was visible: " + seen);
            assertTrue(trainer.job("unknown").isEmpty());
        } finally {
            trainer.deactivate();
        }
    }

    @Test
    void theScheduleTrainsOnlyWhenACronMinuteHasPassed() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-28T02:28:30Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        TrainerComponent trainer = trainer(clock);
        assertEquals(List.of(), trainer.trainIfDue("30 2 * * *"), "02:30 is not in the first call's last minute");
        now.set(Instant.parse("2026-11-28T02:29:59Z"));
        assertEquals(List.of(), trainer.trainIfDue("30 2 * * *"));
        now.set(Instant.parse("2026-11-28T02:30:40Z"));
        List<TrainingReport> reports = trainer.trainIfDue("30 2 * * *");
        assertEquals(2, reports.size());
        assertEquals(List.of("ranker", "behaviour-ials"), reports.stream().map(TrainingReport::modelName).toList());
        now.set(Instant.parse("2026-11-28T02:31:40Z"));
        assertEquals(List.of(), trainer.trainIfDue("30 2 * * *"));
        TrainerComponent fresh = trainer(clock);
        now.set(Instant.parse("2026-11-28T02:30:10Z"));
        assertEquals(2, fresh.trainIfDue("* * * * *").size(), "a first call in a matching minute trains");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.trainIfDue("bad"));
        assertTrue(e.getMessage().contains("5 fields"), e.getMessage());
    }
}
