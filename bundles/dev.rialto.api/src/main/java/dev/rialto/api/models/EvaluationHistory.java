package dev.rialto.api.models;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kept reports of training runs: every run's evaluation of the new model, the baselines and the live model
 * on the same split. Implemented by the trainer.
 */
@ProviderType
public interface EvaluationHistory {

    /**
     * The newest reports of a model, newest first.
     *
     * @param modelName the model's name (its folder under the models folder)
     * @param limit     at most this many; the trainer keeps the newest 100 per model
     * @return an empty list when the model has no report; never null
     * @throws IllegalArgumentException when the name is not a valid model name or {@code limit < 1}
     */
    List<EvaluationReport> evaluations(String modelName, int limit);
}
