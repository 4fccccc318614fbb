package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import dev.rialto.api.events.EventType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** The configuration as SCR would pass it, with the defaults and the overrides given. */
    private static TrainerComponent.Config config(String modelsDir, double testFraction, String metric) {
        return config(modelsDir, testFraction, metric, "view:1,purchase:3");
    }

    private static TrainerComponent.Config config(String modelsDir, double testFraction, String metric,
            String weights) {
        return new TrainerComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TrainerComponent.Config.class;
            }

            @Override
            public String models_dir() {
                return modelsDir;
            }

            @Override
            public String model_name() {
                return "ranker";
            }

            @Override
            public int min_events() {
                return 1000;
            }

            @Override
            public int negatives_per_positive() {
                return 4;
            }

            @Override
            public double test_fraction() {
                return testFraction;
            }

            @Override
            public double negatives_history_share() {
                return 0.5;
            }

            @Override
            public long seed() {
                return 12345L;
            }

            @Override
            public int epochs() {
                return 5;
            }

            @Override
            public String promote_metric() {
                return metric;
            }

            @Override
            public int history_limit() {
                return 100;
            }

            @Override
            public int ads_history_limit() {
                return 100;
            }

            @Override
            public String behaviour_model_name() {
                return "behaviour-ials";
            }

            @Override
            public String ads_model_name() {
                return "ads-ctr";
            }

            @Override
            public int ials_factors() {
                return 16;
            }

            @Override
            public int ials_iterations() {
                return 5;
            }

            @Override
            public double ials_regularisation() {
                return 0.1;
            }

            @Override
            public double ials_alpha() {
                return 10;
            }

            @Override
            public String ials_weights() {
                return weights;
            }

            @Override
            public String ranker() {
                return "logistic";
            }

            @Override
            public int fm_factors() {
                return 8;
            }
        };
    }

    /**
     * The shipped defaults (annotation defaults and the shipped cfg) are the configuration chosen on the Online
     * Retail validation split (docs/benchmarks.md): the factorisation machine over the last 1,000 events; the ad
     * click model keeps its 100.
     */
    @Test
    void shippedDefaultsAreTheValidationChosenConfiguration() throws Exception {
        TrainerComponent.Config defaults = (TrainerComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                TrainerComponent.Config.class.getClassLoader(), new Class<?>[] {TrainerComponent.Config.class},
                (proxy, method, args) -> method.getName().equals("models_dir") ? "/tmp/m" : method.getDefaultValue());
        Settings s = TrainerComponent.settings(defaults);
        assertEquals(Settings.FM, s.ranker());
        assertEquals(1000, s.historyLimit());
        assertEquals(100, s.adsHistoryLimit());
        java.util.Properties cfg = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("src/main/cfg/dev.rialto.training.cfg"))) {
            cfg.load(in);
        }
        assertEquals(s.ranker(), cfg.getProperty("ranker").strip());
        assertEquals(String.valueOf(s.historyLimit()), cfg.getProperty("history.limit").strip());
        assertEquals(String.valueOf(s.adsHistoryLimit()), cfg.getProperty("ads.history.limit").strip());
        assertThrows(IllegalArgumentException.class, () -> new Settings(Path.of("/tmp/m"), "r", 1, 1, 0.2, 1, 1,
                "auc", 10, null, "fm", 4, 0, 0), "ads.history.limit 0");
    }

    @Test
    void emptyModelsDirMeansKarafHomeModels() {
        String old = System.getProperty("karaf.home");
        try {
            System.setProperty("karaf.home", "/opt/karaf");
            assertEquals(Path.of("/opt/karaf/models"), TrainerComponent.settings(config("", 0.2, "ndcg@10")).modelsDir());
            System.clearProperty("karaf.home");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainerComponent.settings(config(" ", 0.2, "ndcg@10")));
            assertTrue(e.getMessage().contains("models.dir"), e.getMessage());
        } finally {
            if (old != null) {
                System.setProperty("karaf.home", old);
            }
        }
    }

    @Test
    void invalidValuesFailNamingTheProperty() {
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 1.0, "ndcg@10")));
        assertTrue(fraction.getMessage().contains("test.fraction"), fraction.getMessage());
        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 0.2, "precision")));
        assertTrue(metric.getMessage().contains("promote.metric"), metric.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> new Settings(Path.of("/tmp/m"), "../up", 1, 1, 0.2, 1, 1, "auc", 10));
        assertTrue(name.getMessage().contains("model.name"), name.getMessage());
    }

    @Test
    void theRankerIsLogisticOrFmWithPositiveFactors() {
        Path m = Path.of("/m");
        assertEquals(Settings.LOGISTIC, new Settings(m, "r", 1, 1, 0.2, 1, 1, "auc", 10).ranker());
        assertEquals(Settings.FM, new Settings(m, "r", 1, 1, 0.2, 1, 1, "auc", 10, null, " fm ", 4).ranker());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> new Settings(m, "r", 1, 1, 0.2, 1, 1, "auc", 10, null, "gbdt", 4));
        assertTrue(kind.getMessage().contains("ranker") && kind.getMessage().contains("gbdt"), kind.getMessage());
        IllegalArgumentException factors = assertThrows(IllegalArgumentException.class,
                () -> new Settings(m, "r", 1, 1, 0.2, 1, 1, "auc", 10, null, "fm", 0));
        assertTrue(factors.getMessage().contains("fm.factors"), factors.getMessage());
    }

    @Test
    void logLossIsTheOneMetricWhereLowerWins() {
        assertFalse(new Settings(Path.of("/m"), "r", 1, 1, 0.2, 1, 1, "logloss", 10).higherIsBetter());
        assertTrue(new Settings(Path.of("/m"), "r", 1, 1, 0.2, 1, 1, "auc", 10).higherIsBetter());
    }

    @Test
    void behaviourSettingsComeFromTheConfiguration() {
        Settings s = TrainerComponent.settings(config("/tmp/m", 0.2, "ndcg@10"));
        assertEquals("behaviour-ials", s.behaviour().modelName());
        assertEquals(16, s.behaviour().params().factors());
        assertEquals(Map.of(EventType.VIEW, 1f, EventType.PURCHASE, 3f), s.behaviour().weights());
        assertEquals(0.5, s.historyNegatives());
    }

    @Test
    void badEventWeightsAreRefusedNamingTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 0.2, "ndcg@10", "view:1,purchase")));
        assertTrue(e.getMessage().contains("ials.weights: 'purchase' is not type:weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 0.2, "ndcg@10", "search:1")));
        assertTrue(e.getMessage().contains("search events name no item"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 0.2, "ndcg@10", "view:-2")));
        assertTrue(e.getMessage().contains("the weight of view must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainerComponent.settings(config("/tmp/m", 0.2, "ndcg@10", "view:1,view:2")));
        assertTrue(e.getMessage().contains("view is given twice"), e.getMessage());
    }
}
