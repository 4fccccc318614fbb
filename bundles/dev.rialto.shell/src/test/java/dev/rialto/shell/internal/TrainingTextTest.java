package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.TrainingReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTextTest {

    @Test
    void passesForceAndPrintsTheReport() {
        Fakes.Trainer trainer = new Fakes.Trainer();
        String text = TrainingText.train(trainer, true);
        assertEquals(List.of(true), trainer.calls);
        assertEquals("""
                Status     PROMOTED
                Model      ranker@20250601-1
                Started    2025-06-01T10:00:00Z
                Duration   12.3 s
                Rows       train 80000, test 20000
                Metrics    auc=0.8123  ndcg@10=0.3121
                Baselines  popularity.ndcg@10=0.1512
                Message    beat the live model on ndcg@10
                """, text);
    }

    @Test
    void withoutForceTheTrainerDecides() {
        Fakes.Trainer trainer = new Fakes.Trainer();
        String text = TrainingText.train(trainer, false);
        assertEquals(List.of(false), trainer.calls);
        assertTrue(text.startsWith("Status     SKIPPED\nModel      ranker\n"), text);
    }

    @Test
    void missingTrainerIsReported() {
        assertTrue(TrainingText.train(null, true).startsWith("Model trainer: not available"));
    }

    @Test
    void emptyMetricsAndMessageShowADash() {
        TrainingReport failed = new TrainingReport(TrainingReport.Status.FAILED, "ranker", null, Fakes.T0, Fakes.T0,
                0, 0, null, null, null);
        String text = TrainingText.report(failed);
        assertTrue(text.contains("Metrics    -\n"), text);
        assertTrue(text.contains("Message    -\n"), text);
    }
}
