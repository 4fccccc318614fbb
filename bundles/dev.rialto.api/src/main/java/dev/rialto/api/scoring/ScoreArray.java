package dev.rialto.api.scoring;

import dev.rialto.api.common.Require;

/**
 * Scores of one batch in the order of its candidates ({@link InterestScorer#scoreIndexed}): no map, no boxing.
 *
 * @param model  the model that scored every candidate
 * @param scores the probability of interest of candidate i at index i, in [0, 1]; the caller owns the array
 */
public record ScoreArray(ModelInfo model, float[] scores) {
    public ScoreArray {
        Require.nonNull(model, "model");
        Require.nonNull(scores, "scores");
    }
}
