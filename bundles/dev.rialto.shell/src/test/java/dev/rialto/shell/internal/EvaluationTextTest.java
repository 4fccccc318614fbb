package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.EvaluationHistory;
import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingReport.Status;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTextTest {

    private static EvaluationReport report(String started, Status status, String version, String winner,
            String liveSource, double model, double live) {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        results.put(EvaluationReport.MODEL, Map.of("ndcg@10", model, "auc", 0.9));
        results.put(EvaluationReport.LIVE, Map.of("ndcg@10", live));
        results.put(EvaluationReport.POPULARITY, Map.of("ndcg@10", 0.3));
        results.put(EvaluationReport.ITEM_KNN, Map.of("ndcg@10", 0.55));
        results.put(EvaluationReport.BUY_AGAIN, Map.of("ndcg@10", 0.44));
        Instant at = Instant.parse(started);
        return new EvaluationReport("ranker", at, at.plusSeconds(7), status, version, "v0", liveSource, "ndcg@10",
                winner, results, null, null, null, null, 0, 0, 0, 0, 0, "the newest message");
    }

    @Test
    void tableShowsContendersSideBySideNewestFirst() {
        EvaluationHistory history = (model, limit) -> List.of(
                report("2026-11-28T17:00:00Z", Status.REJECTED, null, "live", EvaluationReport.LIVE_MEASURED, 0.59,
                        0.6),
                report("2026-11-28T16:00:00Z", Status.PROMOTED, "v1", "model", EvaluationReport.LIVE_MEASURED, 0.6,
                        0.5));
        String text = EvaluationText.list(history, "ranker", 10, null);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("STARTED"), text);
        assertTrue(lines.get(0).contains("BUY-AGAIN") && lines.get(0).contains("WINNER"), text);
        assertTrue(lines.get(2).contains("REJECTED") && lines.get(2).contains("0.5900")
                && lines.get(2).contains("0.6000") && lines.get(2).trim().endsWith("live"), text);
        assertTrue(lines.get(3).contains("PROMOTED") && lines.get(3).contains("v1")
                && lines.get(3).trim().endsWith("model"), text);
        assertEquals("Newest run: the newest message", lines.get(lines.size() - 1));
    }

    @Test
    void anotherMetricCanBeShownAndMissingValuesAreDashes() {
        EvaluationHistory history = (model, limit) -> List.of(
                report("2026-11-28T17:00:00Z", Status.PROMOTED, "v2", "model", EvaluationReport.LIVE_CARD, 0.6, 0.5));
        String text = EvaluationText.list(history, "ranker", 1, "auc");
        assertTrue(text.contains("0.9000"), text);
        assertTrue(text.contains("could not score the live model again"), text);
    }

    @Test
    void nothingKeptOrNoServiceIsSaid() {
        assertEquals("No kept evaluation of model 'ranker'.\n",
                EvaluationText.list((model, limit) -> List.of(), "ranker", 10, null));
        assertEquals(EvaluationText.NO_HISTORY, EvaluationText.list(null, "ranker", 10, null));
        EvaluationHistory failing = (model, limit) -> {
            throw new IllegalArgumentException("model name 'x/y' is not valid");
        };
        assertEquals("error: model name 'x/y' is not valid\n", EvaluationText.list(failing, "x/y", 10, null));
    }
}
