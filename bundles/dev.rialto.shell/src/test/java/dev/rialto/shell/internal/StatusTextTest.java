package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.scoring.ModelInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class StatusTextTest {

    private static final List<StatusText.BundleRow> BUNDLES = List.of(
            new StatusText.BundleRow(57, "dev.rialto.api", "0.1.0.SNAPSHOT", BundleStates.name(Bundle.ACTIVE)),
            new StatusText.BundleRow(61, "dev.rialto.demo", "0.1.0.SNAPSHOT", BundleStates.name(Bundle.RESOLVED)));

    @Test
    void everyMissingServiceSaysNotAvailable() {
        String text = StatusText.render(BUNDLES, new StatusText.Services(null, null, null, null, null));
        assertEquals("""
                Bundles
                  id  state     bundle           version
                  --  --------  ---------------  --------------
                  57  Active    dev.rialto.api   0.1.0.SNAPSHOT
                  61  Resolved  dev.rialto.demo  0.1.0.SNAPSHOT
                Store
                  items      not available
                  events     not available
                  profiles   not available
                Model
                  interest scorer not available
                Last training
                  model trainer not available
                """, text);
    }

    @Test
    void showsCountsActiveModelAndLastTraining() {
        Fakes.Trainer trainer = new Fakes.Trainer();
        trainer.last = Fakes.report(TrainingReport.Status.REJECTED);
        ModelInfo model = new ModelInfo("ranker", "20250601-1", List.of("affinity", "popularity"),
                Map.of("auc", 0.8), Fakes.T0, Fakes.T0.plusSeconds(60));
        String text = StatusText.render(List.of(), new StatusText.Services(new Fakes.Items(2500), null, null,
                new Fakes.Scorer(model), trainer));
        assertTrue(text.contains("  no dev.rialto bundles installed\n"), text);
        assertTrue(text.contains("  items      2500\n"), text);
        assertTrue(text.contains("  events     not available\n"), text);
        assertTrue(text.contains("  active     ranker@20250601-1\n"), text);
        assertTrue(text.contains("  loaded     2025-06-01T10:01:00Z\n"), text);
        assertTrue(text.contains("  features   2\n"), text);
        assertTrue(text.contains("  metrics    auc=0.8000\n"), text);
        assertTrue(text.contains("Last training\n  Status     REJECTED\n"), text);
    }

    @Test
    void aFailingServiceIsReportedAndTheRestStillShows() {
        Fakes.Trainer trainer = new Fakes.Trainer();
        String text = StatusText.render(List.of(), new StatusText.Services(new Fakes.Items(-1), null, null,
                new Fakes.Scorer(null), trainer));
        assertTrue(text.contains("  items      error: database is down\n"), text);
        assertTrue(text.contains("Model\n  no model loaded\n"), text);
        assertTrue(text.contains("Last training\n  none since start\n"), text);
    }

    @Test
    void bundleStatesAreNamedLikeBundleList() {
        assertEquals("Active", BundleStates.name(Bundle.ACTIVE));
        assertEquals("Installed", BundleStates.name(Bundle.INSTALLED));
        assertEquals("Unknown(99)", BundleStates.name(99));
    }
}
