package dev.rialto.api.models;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains the models by name: now in the caller's thread with progress, in the background as a job, or when a
 * cron expression says so. The trainer registers it with {@code rialto.bean=trainer}, beside
 * {@link ModelTrainer}.
 */
@ProviderType
public interface TrainingService {

    /** The names of the models it trains, for example {@code ranker} and {@code behaviour-ials}. */
    List<String> trainable();

    /**
     * Trains one model, or every model when {@code model} is null, now. Runs of one model never overlap: a call
     * made while that model trains gets a SKIPPED report.
     *
     * @throws IllegalArgumentException when the name is not one of {@link #trainable()}
     */
    List<TrainingReport> train(String model, boolean force, TrainingProgress progress);

    /**
     * Queues a run of one model (or every model when null) and returns at once; jobs run one after the other.
     *
     * @throws IllegalArgumentException when the name is not one of {@link #trainable()}
     */
    TrainingJob submit(String model, boolean force);

    /** A job submitted recently (the last 50 are kept), by id. */
    Optional<TrainingJob> job(String id);

    /**
     * For a schedule that ticks about every minute: trains every model (without force) when a minute matching the
     * cron expression began since the previous call (for the first call: in the last minute); otherwise does
     * nothing and returns an empty list.
     *
     * @param cron five fields, minute hour day-of-month month day-of-week, in UTC; {@code *}, lists, ranges and
     *             steps ({@code 0 3 * * 1-5}, {@code *&#47;15 * * * *})
     * @throws IllegalArgumentException when the expression is not valid, naming the field
     */
    List<TrainingReport> trainIfDue(String cron);
}
