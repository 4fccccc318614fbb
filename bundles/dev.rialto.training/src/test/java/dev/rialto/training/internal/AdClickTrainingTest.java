package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventType;
import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.scoring.onnx.internal.AdInterestScorer;
import dev.rialto.scoring.onnx.internal.ScoringConfig;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad click model from impression and ad_click events as the ads engine records them: trained, gated against
 * the historical CTR, written with its card, and served by the ads scorer through the registry.
 */
class AdClickTrainingTest {
    private static final Instant START = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir
    Path models;

    /**
     * Impressions of 60 creatives (6 campaigns) to 1,000 users over 20 days. The true click probability is the
     * creative's quality times the user's propensity, so a user's own past clicks predict their next one: what the
     * historical CTR per creative cannot know.
     */
    static List<Event> adEvents(int impressions, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] quality = new double[60];
        for (int c = 0; c < quality.length; c++) {
            quality[c] = 0.01 + 0.04 * r.nextDouble();
        }
        double[] propensity = new double[1000];
        for (int u = 0; u < propensity.length; u++) {
            propensity[u] = Math.exp(1.5 * (r.nextDouble() * 2 - 1));
        }
        List<Event> events = new ArrayList<>();
        long span = 20L * 86_400;
        for (int i = 0; i < impressions; i++) {
            int c = r.nextInt(quality.length);
            int u = r.nextInt(propensity.length);
            Instant t = START.plusSeconds(span * i / impressions);
            EventContext context = new EventContext("ads", "k" + c / 10, "top", "c" + c);
            String decision = "d" + i;
            events.add(new Event("ad-" + decision + "-impression", EventType.IMPRESSION, "u" + u, null, 1, t, null,
                    null, context));
            if (r.nextDouble() < Math.min(0.9, quality[c] * propensity[u])) {
                events.add(new Event("ad-" + decision + "-ad_click", EventType.AD_CLICK, "u" + u, null, 1,
                        t.plusSeconds(3), null, null, context));
            }
        }
        return events;
    }

    private TrainerComponent trainer(List<Event> events) {
        Settings settings = new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 3, "ndcg@10", 100);
        return new TrainerComponent(new FakeItems(List.of()), new FakeEvents(events), new EngineeredFeatureExtractor(),
                settings, Clock.systemUTC()).adsModel("ads-ctr");
    }

    private static ScoringConfig config(Map<String, Object> overrides) {
        return (ScoringConfig) Proxy.newProxyInstance(ScoringConfig.class.getClassLoader(),
                new Class<?>[] {ScoringConfig.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    return switch (method.getName()) {
                        case "annotationType" -> ScoringConfig.class;
                        case "hashCode" -> overrides.hashCode();
                        case "equals" -> proxy == args[0];
                        case "toString" -> "ScoringConfig" + overrides;
                        default -> overrides.containsKey(property) ? overrides.get(property)
                                : method.getDefaultValue();
                    };
                });
    }

    @Test
    void decisionIdsPairClicksWithImpressions() {
        Event impression = new Event("ad-1b2c-impression", EventType.IMPRESSION, "u", null, 1, START, null, null,
                new EventContext("ads", "k", "s", "c"));
        Event click = new Event("ad-1b2c-ad_click", EventType.AD_CLICK, "u", null, 1, START, null, null,
                new EventContext("ads", "k", "s", "c"));
        assertEquals("1b2c", AdClickRun.decision(impression));
        assertEquals("1b2c", AdClickRun.decision(click));
        assertNull(AdClickRun.decision(new Event("imported-7", EventType.IMPRESSION, "u", null, 1, START, null, null,
                new EventContext("ads", "k", "s", "c"))));
    }

    @Test
    void trainsBeatsTheHistoricalCtrWritesTheCardAndIsServedForAds() throws Exception {
        List<Event> events = adEvents(60_000, 3);
        TrainerComponent trainer = trainer(events);
        assertEquals(List.of("ranker", "behaviour-ials", "ads-ctr"), trainer.trainable());

        TrainingReport report = trainer.train("ads-ctr", true, null).get(0);
        assertEquals(Status.PROMOTED, report.status(), report.message());
        AdClickRun.Outcome o = trainer.lastAdsOutcome;
        Map<String, Double> model = o.results().get(EvaluationReport.MODEL);
        Map<String, Double> historical = o.results().get(AdClickRun.HISTORICAL);
        assertTrue(model.get("logloss") < historical.get("logloss"), model + " vs " + historical);
        assertTrue(model.get("auc") > historical.get("auc") + 0.02, model + " vs " + historical);
        assertEquals(historical.get("logloss"), report.baselines().get("historical.logloss"), 1e-12);
        assertTrue(o.trainRows() > 5000 && o.testRows() > 5000);

        Path version = models.resolve("ads-ctr").resolve(report.version());
        assertTrue(Files.size(version.resolve(ModelFolder.ONNX)) > 0);
        String card = Files.readString(version.resolve(ModelFolder.CARD));
        assertTrue(card.contains("\"ad_user_ctr\"") && card.contains("\"historical.logloss\""), card);

        // Served: the registry checks the card against the graph and the extractor, the ads scorer serves it.
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        OnnxModelRegistry registry = new OnnxModelRegistry(extractor);
        registry.activate(config(Map.of("models.dir", models.toString(), "poll.seconds", 3600)));
        FakeEvents store = new FakeEvents(events);
        store.serving = true;
        AdInterestScorer scorer = new AdInterestScorer(extractor, registry, new FakeItems(List.of()), store);
        try {
            scorer.activate(config(Map.of("models.dir", models.toString(), "model.name", "ads-ctr",
                    "snapshot.refresh.seconds", 0)));
            scorer.refreshSnapshot();
            assertEquals(report.version(), scorer.activeModel().orElseThrow().version());
            ScoreResult scores = scorer.score("u1", List.of("c0", "c1", "c59", "unknown"));
            assertEquals("ads-ctr", scores.model().name());
            assertEquals(4, scores.scores().size());
            scores.scores().values().forEach(p -> assertTrue(p > 0 && p < 0.5, "a click probability: " + p));
        } finally {
            scorer.deactivate();
            registry.deactivate();
        }

        // No new event: the next scheduled run skips; forced, the new model must beat the live one to replace it.
        assertEquals(Status.SKIPPED, trainer.train("ads-ctr", false, null).get(0).status());
        TrainingReport again = trainer.train("ads-ctr", true, null).get(0);
        assertTrue(again.status() == Status.REJECTED && again.message().contains("live version"), again.message());
        try (Stream<Path> versions = Files.list(models.resolve("ads-ctr"))) {
            assertEquals(1, versions.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().equals(EvaluationLog.FOLDER)).count());
        }
    }

    @Test
    void tooFewImpressionsSkipAndUnknownNamesAreRefused() {
        TrainerComponent few = trainer(adEvents(300, 5));
        TrainingReport skipped = few.train("ads-ctr", true, null).get(0);
        assertEquals(Status.SKIPPED, skipped.status());
        assertTrue(skipped.message().contains("ad impressions"), skipped.message());

        assertThrows(IllegalArgumentException.class, () -> few.train("nope", true, null));
    }
}
