package dev.rialto.api.scoring;

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
}
