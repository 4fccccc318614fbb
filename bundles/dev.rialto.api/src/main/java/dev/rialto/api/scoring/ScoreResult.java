package dev.rialto.api.scoring;

import dev.rialto.api.common.Require;
import java.util.Map;

/**
 * Scores of one batch.
 *
 * @param model  the model that scored every item of the batch
 * @param scores the probability of interest per item id, in [0, 1]
 */
public record ScoreResult(ModelInfo model, Map<String, Double> scores) {
    public ScoreResult {
        Require.nonNull(model, "model");
        scores = Map.copyOf(Require.nonNull(scores, "scores"));
    }
}
