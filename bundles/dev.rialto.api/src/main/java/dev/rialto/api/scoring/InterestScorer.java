package dev.rialto.api.scoring;

import dev.rialto.api.common.Require;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Predicts how likely a user is to act on each candidate item. Register with
 * {@code rialto.provider=<name>}.
 */
@ConsumerType
public interface InterestScorer {

    /** The model that serves requests now, if any. */
    Optional<ModelInfo> activeModel();

    /**
     * Scores all given items for the user in one batch. Unknown users and items get a score too (from the
     * features that are known).
     *
     * @throws ModelUnavailableException when no model is loaded
     */
    ScoreResult score(String userId, List<String> itemIds);

    /**
     * The numbering {@link #scoreIndexed} takes candidates in, if this scorer has one. Cheap (a field read): call it
     * per request and re-map the candidates only when it is not the numbering they were mapped with.
     */
    default Optional<ItemNumbering> numbering() {
        return Optional.empty();
    }

    /**
     * Scores candidates given as numbers of {@code numbering} and answers in candidate order. The same scores as
     * {@link #score} on the same items (a candidate's score does not depend on the others); a repeated candidate is
     * scored at each of its places. A numbering other than the scorer's current one is still served (each number is
     * translated through its id), only slower. This default goes through {@link #score} (a candidate its map leaves
     * out scores NaN).
     *
     * @param numbering  what the numbers mean; usually the scorer's own {@link #numbering()}
     * @param candidates item numbers of {@code numbering}
     * @throws IndexOutOfBoundsException when a number is outside the numbering
     * @throws ModelUnavailableException when no model is loaded
     */
    default ScoreArray scoreIndexed(String userId, ItemNumbering numbering, int[] candidates) {
        Require.nonNull(numbering, "numbering");
        Require.nonNull(candidates, "candidates");
        List<String> ids = new java.util.ArrayList<>(candidates.length);
        for (int candidate : candidates) {
            ids.add(numbering.itemId(candidate));
        }
        ScoreResult result = score(userId, ids);
        float[] out = new float[candidates.length];
        for (int i = 0; i < out.length; i++) {
            Double score = result.scores().get(ids.get(i));
            out[i] = score == null ? Float.NaN : score.floatValue();
        }
        return new ScoreArray(result.model(), out);
    }
}
