package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

/**
 * The registry and the scorer wired by hand as SCR would, with the shipped defaults except: the benchmark's models
 * folder, no polling during the measurement (1 h), no periodic snapshot rebuilds (built once, synchronously) and
 * the given overrides.
 */
public final class ScorerFixture {
    public final OnnxModelRegistry registry;
    public final OnnxInterestScorer scorer;

    public ScorerFixture(FeatureExtractor extractor, ItemRepository items, EventRepository events, Path modelsDir) {
        this(extractor, items, events, modelsDir, Map.of());
    }

    /** With configuration overrides by cfg name (e.g. {@code history.limit}). */
    public ScorerFixture(FeatureExtractor extractor, ItemRepository items, EventRepository events, Path modelsDir,
            Map<String, Object> overrides) {
        Map<String, Object> all = new java.util.HashMap<>(overrides);
        all.put("models.dir", modelsDir.toString());
        all.put("poll.seconds", 3600);
        all.put("snapshot.refresh.seconds", 0);
        ScoringConfig config = config(all);
        registry = new OnnxModelRegistry(extractor);
        registry.activate(config);
        scorer = new OnnxInterestScorer(extractor, registry, items, events);
        scorer.activate(config);
        scorer.refreshSnapshot();
    }

    public void close() {
        scorer.deactivate();
        registry.deactivate();
    }

    private static ScoringConfig config(Map<String, Object> overrides) {
        return (ScoringConfig) Proxy.newProxyInstance(ScoringConfig.class.getClassLoader(),
                new Class<?>[] {ScoringConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> ScoringConfig.class;
                    case "toString" -> "ScoringConfig" + overrides;
                    case "hashCode" -> overrides.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> overrides.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
                });
    }
}
