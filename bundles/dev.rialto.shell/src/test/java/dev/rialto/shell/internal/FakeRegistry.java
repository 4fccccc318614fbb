package dev.rialto.shell.internal;

import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelNotFoundException;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Two versions of {@code ranker}, the newer active; rollback goes back one version, once. */
final class FakeRegistry implements ModelRegistry {
    static final Instant TRAINED = Instant.parse("2025-06-01T09:00:00Z");
    static final Instant LOADED = Instant.parse("2025-06-01T10:00:00Z");

    final List<ModelInfo> models = new ArrayList<>();
    final List<ModelRefusal> refusals = new ArrayList<>();
    final List<String> rollbacks = new ArrayList<>();
    String active;

    FakeRegistry() {
        models.add(model("v1", Map.of("auc", 0.75, "ndcg@10", 0.2)));
        models.add(model("v2", Map.of("auc", 0.812345, "ndcg@10", 0.31, "logloss", 0.4)));
        active = "v2";
    }

    static ModelInfo model(String version, Map<String, Double> metrics) {
        return new ModelInfo("ranker", version, List.of("item_popularity", "user_category_affinity"), metrics,
                version.equals("v1") ? null : TRAINED, LOADED);
    }

    @Override
    public List<ModelInfo> models() {
        return List.copyOf(models);
    }

    @Override
    public Optional<ModelInfo> active(String name) {
        return models.stream().filter(m -> m.name().equals(name) && m.version().equals(active)).findFirst();
    }

    @Override
    public Map<String, Double> baselines(String name, String version) {
        return "ranker".equals(name) ? Map.of("popularity.auc", 0.5) : Map.of();
    }

    @Override
    public List<ModelRefusal> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public ModelInfo rollback(String name) {
        rollbacks.add(name);
        if (!"ranker".equals(name) || !"v2".equals(active)) {
            throw new ModelNotFoundException(name, "model '" + name + "' has no valid version to roll back to");
        }
        active = "v1";
        return active(name).orElseThrow();
    }

    @Override
    public void rescan() {
    }
}
