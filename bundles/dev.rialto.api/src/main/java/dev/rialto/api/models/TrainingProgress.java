package dev.rialto.api.models;

import org.osgi.annotation.versioning.ConsumerType;

/** Told how a training run advances; implementations must be quick and must not throw. */
@ConsumerType
@FunctionalInterface
public interface TrainingProgress {
    /** Ignores every update. */
    TrainingProgress NONE = (model, stage, fraction) -> { };

    /**
     * @param model    the model being trained
     * @param stage    what the run does now, for example {@code features}, {@code fit}, {@code ials},
     *                 {@code evaluation}, {@code publish}
     * @param fraction the share of this model's run that is done, in [0, 1]
     */
    void update(String model, String stage, double fraction);
}
