package dev.rialto.api.scoring;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model as the registry serves it.
 *
 * @param name      the model's name, for example {@code ranker}
 * @param version   its version, unique per name
 * @param features  the named input features, in the order of the input tensor's columns
 * @param metrics   its held-out metrics from the model card
 * @param trainedAt when it was trained, or null when the card does not say
 * @param loadedAt  when this server loaded it
 */
public record ModelInfo(String name, String version, List<String> features, Map<String, Double> metrics,
        Instant trainedAt, Instant loadedAt) {
    public ModelInfo {
        Require.nonBlank(name, "name");
        Require.nonBlank(version, "version");
        features = List.copyOf(Require.nonNull(features, "features"));
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        Require.nonNull(loadedAt, "loadedAt");
    }
}
