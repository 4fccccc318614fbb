package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.scoring.ModelRefusal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTextTest {

    @Test
    void listShowsEveryVersionTheActiveOneAndTheRefusals() {
        FakeRegistry registry = new FakeRegistry();
        registry.refusals.add(new ModelRefusal("ranker", "v3", "signature.inputs[0].shape",
                "signature.inputs[0].shape: must be [-1, 2] for 2 features, was [-1,3]"));
        assertEquals("""
                NAME    VERSION  ACTIVE  TRAINED AT            LOADED AT             AUC     NDCG@10
                ------  -------  ------  --------------------  --------------------  ------  -------
                ranker  v1               -                     2025-06-01T10:00:00Z  0.7500  0.2000
                ranker  v2       *       2025-06-01T09:00:00Z  2025-06-01T10:00:00Z  0.8123  0.3100

                Refused versions:
                NAME    VERSION  FIELD                      REASON
                ------  -------  -------------------------  ---------------------------------------------------------------------
                ranker  v3       signature.inputs[0].shape  signature.inputs[0].shape: must be [-1, 2] for 2 features, was [-1,3]
                """, ModelText.list(registry));
    }

    @Test
    void listSaysWhenThereIsNothing() {
        FakeRegistry registry = new FakeRegistry();
        registry.models.clear();
        assertEquals("No valid model in the models folder.\n", ModelText.list(registry));
        assertEquals(ModelText.NO_REGISTRY, ModelText.list(null));
    }

    @Test
    void infoPrintsTheActiveCardWithFeaturesMetricsAndBaselines() {
        assertEquals("""
                Model      ranker@v2 (active)
                Trained    2025-06-01T09:00:00Z
                Loaded     2025-06-01T10:00:00Z
                Metrics    auc=0.8123  logloss=0.4000  ndcg@10=0.3100
                Baselines  popularity.auc=0.5000
                Features   2
                    0  item_popularity
                    1  user_category_affinity
                """, ModelText.info(new FakeRegistry(), "ranker", null));
    }

    @Test
    void infoOfAnOlderVersionAndOfUnknownOnes() {
        FakeRegistry registry = new FakeRegistry();
        String v1 = ModelText.info(registry, "ranker", "v1");
        assertTrue(v1.startsWith("Model      ranker@v1 (not active)\nTrained    -\n"), v1);
        assertEquals("No valid version v9 of model 'ranker'.\n", ModelText.info(registry, "ranker", "v9"));
        registry.refusals.add(new ModelRefusal("sequence", "v1", "model.onnx", "model.onnx: is missing"));
        assertEquals("No model 'sequence' is active.\n  refused v1: model.onnx: is missing\n",
                ModelText.info(registry, "sequence", null));
    }

    @Test
    void rollbackPrintsWhatIsActiveNowOrWhyNot() {
        FakeRegistry registry = new FakeRegistry();
        assertEquals("Rolled back ranker@v2: ranker@v1 is active now.\n", ModelText.rollback(registry, "ranker"));
        assertEquals("error: model 'ranker' has no valid version to roll back to\n",
                ModelText.rollback(registry, "ranker"));
        assertEquals(List.of("ranker", "ranker"), registry.rollbacks);
        assertEquals(ModelText.NO_REGISTRY, ModelText.rollback(null, "ranker"));
    }
}
