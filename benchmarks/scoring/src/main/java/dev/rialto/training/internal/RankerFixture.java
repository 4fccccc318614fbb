package dev.rialto.training.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.scoring.FeatureExtractor;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Trains the ranker exactly as the server does: the trainer component's shipped configuration defaults, with the
 * models folder and optionally the ranker type and history limit overridden.
 */
public final class RankerFixture {
    private RankerFixture() {
    }

    /** With the shipped defaults. */
    public static TrainingReport train(ItemRepository items, EventRepository events, FeatureExtractor extractor,
            Path modelsDir) {
        return train(items, events, extractor, modelsDir, Map.of());
    }

    /**
     * @param overrides configuration properties by their cfg names ({@code ranker}, {@code history.limit}, ...)
     */
    public static TrainingReport train(ItemRepository items, EventRepository events, FeatureExtractor extractor,
            Path modelsDir, Map<String, Object> overrides) {
        Map<String, Object> all = new java.util.HashMap<>(overrides);
        all.put("models.dir", modelsDir.toString());
        Settings settings = TrainerComponent.settings(config(all));
        TrainerComponent trainer = new TrainerComponent(items, events, extractor, settings, Clock.systemUTC());
        TrainingReport report = trainer.train(settings.modelName(), true, null).get(0);
        if (report.status() != TrainingReport.Status.PROMOTED) {
            throw new IllegalStateException("training did not produce a model: " + report.status() + " "
                    + report.message());
        }
        return report;
    }

    /**
     * Copies a models folder's ranker with the plain graph and card (the trained graph inside an indexed one, as the
     * trainer wrote it before the indexed layout), so one run can serve both.
     *
     * @return whether the ranker was indexed (else nothing is copied)
     */
    @SuppressWarnings("unchecked")
    public static boolean plainCopy(Path modelsDir, String name, String version, Path targetModelsDir)
            throws java.io.IOException {
        Path from = modelsDir.resolve(name).resolve(version);
        Map<String, Object> card = (Map<String, Object>) Json.parse(java.nio.file.Files.readString(
                from.resolve(ModelFolder.CARD)));
        Map<String, Object> signature = new java.util.LinkedHashMap<>((Map<String, Object>) card.get("signature"));
        if (!IndexedGraph.LAYOUT.equals(signature.get("layout"))) {
            return false;
        }
        java.util.List<String> features = (java.util.List<String>) signature.remove("features");
        signature.remove("layout");
        Map<String, Object> input = new java.util.LinkedHashMap<>();
        input.put("name", "input");
        input.put("type", "float32");
        input.put("shape", java.util.List.of(-1, features.size()));
        input.put("features", features);
        signature.put("inputs", java.util.List.of(input));
        Map<String, Object> plain = new java.util.LinkedHashMap<>(card);
        plain.put("signature", signature);
        Path to = java.nio.file.Files.createDirectories(targetModelsDir.resolve(name).resolve(version));
        java.nio.file.Files.write(to.resolve(ModelFolder.ONNX), IndexedGraph.unwrap(
                java.nio.file.Files.readAllBytes(from.resolve(ModelFolder.ONNX)), "input", features));
        java.nio.file.Files.writeString(to.resolve(ModelFolder.CARD), Json.write(plain));
        return true;
    }

    /** The shipped defaults of {@link TrainerComponent.Config}, with these overrides. */
    static TrainerComponent.Config config(Map<String, Object> overrides) {
        return (TrainerComponent.Config) Proxy.newProxyInstance(TrainerComponent.Config.class.getClassLoader(),
                new Class<?>[] {TrainerComponent.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> TrainerComponent.Config.class;
                    case "toString" -> "Config" + overrides;
                    case "hashCode" -> overrides.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> overrides.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
                });
    }
}
