package dev.rialto.api.models;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.Map;

/**
 * The outcome of one training run.
 *
 * @param status       what happened
 * @param modelName    the model trained
 * @param version      the version written, or null when skipped
 * @param startedAt    when the run started
 * @param finishedAt   when it ended
 * @param trainRows    rows in the training split
 * @param testRows     rows in the held-out split
 * @param metrics      the new model's held-out metrics
 * @param baselines    the baselines' held-out metrics on the same split, {@code baseline.metric -> value}
 * @param message      a sentence for a person: why it was promoted, rejected or skipped
 */
public record TrainingReport(Status status, String modelName, String version, Instant startedAt, Instant finishedAt,
        long trainRows, long testRows, Map<String, Double> metrics, Map<String, Double> baselines, String message) {

    public enum Status {
        /** Trained and written to the models folder. */
        PROMOTED,
        /** Trained, but it did not beat the live model; not written. */
        REJECTED,
        /** Not trained: nothing new, or too little data. */
        SKIPPED,
        /** Training failed; the message says why. */
        FAILED
    }

    public TrainingReport {
        Require.nonNull(status, "status");
        Require.nonBlank(modelName, "modelName");
        Require.nonNull(startedAt, "startedAt");
        Require.nonNull(finishedAt, "finishedAt");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        baselines = baselines == null ? Map.of() : Map.copyOf(baselines);
        message = message == null ? "" : message;
    }
}
