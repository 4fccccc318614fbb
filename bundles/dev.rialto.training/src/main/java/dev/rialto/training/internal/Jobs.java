package dev.rialto.training.internal;

import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingProgress;
import dev.rialto.api.models.TrainingReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Background training jobs, run one after the other on one daemon thread; the last {@value #KEEP} are kept. */
final class Jobs {
    static final int KEEP = 50;
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    /** Trains one model of a job, reporting progress. */
    @FunctionalInterface
    interface Runner {
        TrainingReport train(String model, TrainingProgress progress);
    }

    private final Map<String, AtomicReference<TrainingJob>> jobs = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AtomicReference<TrainingJob>> eldest) {
            return size() > KEEP && eldest.getValue().get().finished();
        }
    };
    private ExecutorService executor;

    synchronized TrainingJob submit(List<String> models, boolean force, Runner runner) {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "rialto-training-jobs");
                t.setDaemon(true);
                return t;
            });
        }
        TrainingJob queued = new TrainingJob(UUID.randomUUID().toString(), models, force, TrainingJob.State.QUEUED,
                Instant.now(), null, null, null, 0, List.of(), null);
        AtomicReference<TrainingJob> ref = new AtomicReference<>(queued);
        jobs.put(queued.id(), ref);
        try {
            executor.execute(() -> run(ref, runner));
        } catch (RejectedExecutionException e) {
            ref.set(finish(queued, TrainingJob.State.FAILED, queued.reports(), "the trainer is stopping"));
        }
        return ref.get();
    }

    private static void run(AtomicReference<TrainingJob> ref, Runner runner) {
        TrainingJob job = ref.get();
        List<TrainingReport> reports = new ArrayList<>();
        int n = job.models().size();
        try {
            for (int i = 0; i < n; i++) {
                String model = job.models().get(i);
                int done = i;
                ref.updateAndGet(j -> with(j, TrainingJob.State.RUNNING, model, "start", (double) done / n, reports));
                TrainingReport report = runner.train(model, (m, stage, fraction) -> ref.updateAndGet(
                        j -> with(j, TrainingJob.State.RUNNING, m, stage, (done + fraction) / n, j.reports())));
                reports.add(report);
            }
            ref.updateAndGet(j -> finish(j, TrainingJob.State.DONE, reports, null));
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Training job {} failed", job.id(), e);
            ref.updateAndGet(j -> finish(j, TrainingJob.State.FAILED, reports, e.getClass().getSimpleName() + ": "
                    + e.getMessage()));
        }
    }

    private static TrainingJob with(TrainingJob j, TrainingJob.State state, String model, String stage,
            double progress, List<TrainingReport> reports) {
        return new TrainingJob(j.id(), j.models(), j.force(), state, j.submittedAt(), null, model, stage,
                Math.max(0, Math.min(1, progress)), reports, null);
    }

    private static TrainingJob finish(TrainingJob j, TrainingJob.State state, List<TrainingReport> reports,
            String error) {
        return new TrainingJob(j.id(), j.models(), j.force(), state, j.submittedAt(), Instant.now(), null, null,
                state == TrainingJob.State.DONE ? 1 : j.progress(), reports, error);
    }

    synchronized Optional<TrainingJob> get(String id) {
        AtomicReference<TrainingJob> ref = id == null ? null : jobs.get(id);
        return ref == null ? Optional.empty() : Optional.of(ref.get());
    }

    synchronized void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("A training job did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }
}
