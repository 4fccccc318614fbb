package dev.rialto.api.models;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.List;

/**
 * A training run started in the background ({@link TrainingService#submit}).
 *
 * @param id          identifies the job
 * @param models      the models it trains, in order
 * @param force       whether it trains even when no event arrived since the last run
 * @param state       where it is
 * @param submittedAt when it was submitted
 * @param finishedAt  when it ended, or null while queued or running
 * @param model       the model being trained now, or null
 * @param stage       the stage of that model's run, or null
 * @param progress    the share of the whole job that is done, in [0, 1]
 * @param reports     the reports of the models finished so far
 * @param error       why the job failed, or null
 */
public record TrainingJob(String id, List<String> models, boolean force, State state, Instant submittedAt,
        Instant finishedAt, String model, String stage, double progress, List<TrainingReport> reports, String error) {

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    public TrainingJob {
        Require.nonBlank(id, "id");
        models = List.copyOf(Require.nonNull(models, "models"));
        Require.nonNull(state, "state");
        Require.nonNull(submittedAt, "submittedAt");
        if (!(progress >= 0 && progress <= 1)) {
            throw new IllegalArgumentException("progress must be in [0, 1], was " + progress);
        }
        reports = reports == null ? List.of() : List.copyOf(reports);
    }

    /** Whether the job ended (DONE or FAILED). */
    public boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }
}
