package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.EvaluationHistory;
import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import dev.rialto.api.scoring.FeatureExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.ONNXExportable;

/**
 * Trains the ranker from the store, evaluates it on the latest period and writes it to the models folder only
 * when it beats the live model on the configured metric.
 */
@Component(name = TrainerComponent.PID, configurationPid = TrainerComponent.PID,
        service = {ModelTrainer.class, EvaluationHistory.class}, property = ServiceProperties.BEAN_NAME + "=trainer")
@Designate(ocd = TrainerComponent.Config.class)
public final class TrainerComponent implements ModelTrainer, EvaluationHistory {
    public static final String PID = "dev.rialto.training";
    static final String FRAMEWORK = "tribuo 4.3.2 LogisticRegression";

    private static final Logger LOG = LoggerFactory.getLogger(TrainerComponent.class);

    @ObjectClassDefinition(name = "Rialto training",
            description = "Trains the ranker (Tribuo logistic regression) from the store and promotes it when better.")
    public @interface Config {
        @AttributeDefinition(name = "Models folder", description = "Empty means ${karaf.home}/models.")
        String models_dir() default "";

        @AttributeDefinition(name = "Model name", description = "The folder under the models folder.")
        String model_name() default "ranker";

        @AttributeDefinition(name = "Minimum events", description = "Fewer stored events: the run is skipped.")
        int min_events() default 1000;

        @AttributeDefinition(name = "Negatives per positive", description = "Uniformly sampled negative rows.")
        int negatives_per_positive() default 4;

        @AttributeDefinition(name = "Test fraction",
                description = "Share of events (by count, in time order) held out as the test period.")
        double test_fraction() default 0.2;

        @AttributeDefinition(name = "Seed", description = "Seed of sampling and SGD: a run is reproducible.")
        long seed() default 12345L;

        @AttributeDefinition(name = "Epochs", description = "SGD passes over the training rows.")
        int epochs() default 5;

        @AttributeDefinition(name = "Promotion metric", description = "auc, logloss (lower wins), hr@10, ndcg@10, hr@10.full or ndcg@10.full.")
        String promote_metric() default "ndcg@10";

        @AttributeDefinition(name = "History limit",
                description = "How many of a user's latest events the feature extractor sees; match serving.")
        int history_limit() default 100;
    }

    private final ItemRepository itemRepository;
    private final EventRepository eventRepository;
    private final FeatureExtractor extractor;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Settings settings;
    private volatile TrainingReport lastReport;
    /** Newest event timestamp the last completed run trained on; "nothing new" is measured against it. */
    private volatile Instant lastDataTo;
    /** The last trained model and its evaluation, for checks in tests. */
    volatile TrainingRun.Outcome lastOutcome;

    @Activate
    public TrainerComponent(@Reference(name = "itemRepository") ItemRepository itemRepository,
            @Reference(name = "eventRepository") EventRepository eventRepository,
            @Reference(name = "featureExtractor") FeatureExtractor extractor, Config config) {
        this(itemRepository, eventRepository, extractor, settings(config), Clock.systemUTC());
    }

    TrainerComponent(ItemRepository itemRepository, EventRepository eventRepository, FeatureExtractor extractor,
            Settings settings, Clock clock) {
        this.itemRepository = itemRepository;
        this.eventRepository = eventRepository;
        this.extractor = extractor;
        this.settings = settings;
        this.clock = clock;
    }

    @Modified
    void modified(Config config) {
        this.settings = settings(config);
        this.lastDataTo = null;
    }

    static Settings settings(Config config) {
        String dir = config.models_dir() == null ? "" : config.models_dir().strip();
        Path modelsDir;
        if (dir.isEmpty()) {
            String home = System.getProperty("karaf.home");
            if (home == null || home.isBlank()) {
                throw new IllegalArgumentException("models.dir is empty and the system property karaf.home is not set");
            }
            modelsDir = Path.of(home, "models");
        } else {
            modelsDir = Path.of(dir);
        }
        return new Settings(modelsDir.toAbsolutePath(), config.model_name() == null ? null : config.model_name().strip(),
                config.min_events(), config.negatives_per_positive(), config.test_fraction(), config.seed(),
                config.epochs(), config.promote_metric(), config.history_limit());
    }

    @Override
    public Optional<TrainingReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    @Override
    public TrainingReport train(boolean force) {
        Settings s = settings;
        Instant started = clock.instant();
        if (!running.compareAndSet(false, true)) {
            // Not kept as the last report: it would hide the outcome of the run that is going on.
            return report(s, Status.SKIPPED, null, started, null, "a training run is already in progress");
        }
        try {
            RunState state = new RunState();
            TrainingReport report = run(s, force, started, state);
            lastReport = report;
            keep(s, report, state);
            switch (report.status()) {
                case PROMOTED, REJECTED -> LOG.info("Model {} training {}: {}", s.modelName(), report.status(),
                        report.message());
                case SKIPPED -> LOG.info("Model {} training skipped: {}", s.modelName(), report.message());
                case FAILED -> LOG.warn("Model {} training failed: {}", s.modelName(), report.message());
            }
            return report;
        } finally {
            running.set(false);
        }
    }

    /** What a run learned about the live model, for its kept report. */
    private static final class RunState {
        TrainingRun.Outcome outcome;
        String liveVersion;
        String liveSource;
        Map<String, Double> liveCard = Map.of();
    }

    private void keep(Settings s, TrainingReport report, RunState state) {
        if (report.status() == TrainingReport.Status.SKIPPED) {
            // The schedule asks every minute; runs that trained nothing would push the real ones out of the log.
            return;
        }
        TrainingRun.Outcome o = state.outcome;
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        if (o != null) {
            o.results().forEach((k, v) -> results.put(k, ModelCard.finite(v)));
        }
        if (EvaluationReport.LIVE_CARD.equals(state.liveSource)) {
            results.put(EvaluationReport.LIVE, ModelCard.finite(state.liveCard));
        }
        String metric = s.promoteMetric();
        String winner = null;
        double best = Double.NaN;
        // Live first, so that a tie leaves the live model the winner; then the new model, then the baselines.
        List<String> order = new ArrayList<>();
        if (results.containsKey(EvaluationReport.LIVE)) {
            order.add(EvaluationReport.LIVE);
        }
        results.keySet().stream().filter(k -> !k.equals(EvaluationReport.LIVE)).forEach(order::add);
        for (String contender : order) {
            Double v = results.get(contender).get(metric);
            if (v != null && (winner == null || (s.higherIsBetter() ? v > best : v < best))) {
                winner = contender;
                best = v;
            }
        }
        EvaluationReport evaluation = new EvaluationReport(s.modelName(), report.startedAt(), report.finishedAt(),
                report.status(), report.version(), state.liveVersion, state.liveSource, metric, winner, results,
                o == null ? null : o.from(), o == null ? null : o.cutoff(), o == null ? null : o.splitAt(),
                o == null ? null : o.to(), o == null ? 0 : o.events(), report.trainRows(), report.testRows(),
                o == null ? 0 : o.evalUsers(), o == null ? 0 : o.fullRankUsers(), report.message());
        try {
            new EvaluationLog(s.modelsDir(), s.modelName()).write(evaluation);
        } catch (RuntimeException e) {
            LOG.warn("Model {}: the evaluation report could not be kept: {}", s.modelName(), e.getMessage());
        }
    }

    @Override
    public List<EvaluationReport> evaluations(String modelName, int limit) {
        if (modelName == null || !modelName.matches(Settings.NAME)) {
            throw new IllegalArgumentException("not a model name: '" + modelName + "'");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return new EvaluationLog(settings.modelsDir(), modelName).list(Math.min(limit, EvaluationLog.KEEP));
    }

    private TrainingReport run(Settings s, boolean force, Instant started, RunState state) {
        ModelFolder folder = new ModelFolder(s.modelsDir(), s.modelName());
        Path tmp = null;
        try {
            long count = eventRepository.count();
            if (count < s.minEvents()) {
                return report(s, Status.SKIPPED, null, started, null,
                        "only " + count + " events are stored; min.events is " + s.minEvents());
            }
            Optional<ModelFolder.Live> live = folder.live();
            Instant seen = lastDataTo != null ? lastDataTo : live.map(ModelFolder.Live::trainedUpTo).orElse(null);
            Instant newest = eventRepository.newestTimestamp();
            if (!force && seen != null && newest != null && !newest.isAfter(seen)) {
                return report(s, Status.SKIPPED, null, started, null, "no event newer than " + seen
                        + " (the data of the last run); use force to train anyway");
            }

            Map<String, Item> items = new HashMap<>();
            itemRepository.forEach(item -> items.put(item.id(), item));
            List<Event> events = new ArrayList<>();
            eventRepository.forEach(null, null, events::add);
            if (events.size() < s.minEvents()) {
                return report(s, Status.SKIPPED, null, started, null,
                        "only " + events.size() + " events are stored; min.events is " + s.minEvents());
            }
            LiveContender liveContender = null;
            String liveProblem = null;
            if (live.isPresent()) {
                state.liveVersion = live.get().version();
                state.liveCard = live.get().metrics();
                try {
                    liveContender = LiveContender.of(live.get(), s.historyLimit());
                } catch (RuntimeException e) {
                    liveProblem = "the live version " + live.get().version() + " cannot be scored on this split: "
                            + e.getMessage();
                    LOG.warn("Model {}: {}", s.modelName(), liveProblem);
                }
            }
            TrainingRun.Outcome outcome;
            try {
                outcome = new TrainingRun(s, extractor, items, events, liveContender).run();
            } catch (TrainingRun.NotEnoughData e) {
                return report(s, Status.SKIPPED, null, started, null, e.getMessage());
            }
            lastDataTo = outcome.to();
            lastOutcome = outcome;
            state.outcome = outcome;
            if (liveProblem == null) {
                liveProblem = outcome.liveNote();
            }
            Map<String, Double> measuredLive = outcome.results().get(EvaluationReport.LIVE);
            if (live.isPresent()) {
                state.liveSource = measuredLive != null ? EvaluationReport.LIVE_MEASURED : EvaluationReport.LIVE_CARD;
            }

            String metric = s.promoteMetric();
            Double mine = outcome.metrics().get(metric);
            if (mine == null || !Double.isFinite(mine)) {
                return report(s, Status.REJECTED, outcome, started, null,
                        "the new model's " + metric + " is undefined on the test period");
            }
            Double theirs = null;
            String source = "";
            if (live.isPresent()) {
                Double measured = measuredLive == null ? null : measuredLive.get(metric);
                if (measured != null && Double.isFinite(measured)) {
                    theirs = measured;
                    source = " measured now on the same split";
                } else {
                    theirs = live.get().metrics().get(metric);
                    source = " from its card, another split"
                            + (liveProblem == null ? "" : "; " + liveProblem);
                }
                if (theirs == null) {
                    return report(s, Status.REJECTED, outcome, started, null, "the live version "
                            + live.get().version() + " has no " + metric + " (" + liveProblem + ") and none on its"
                            + " card, so the gate cannot compare; new " + metric + "=" + round(mine));
                }
                boolean better = s.higherIsBetter() ? mine > theirs : mine < theirs;
                if (!better) {
                    return report(s, Status.REJECTED, outcome, started, null, metric + " " + round(mine)
                            + " does not beat the live version " + live.get().version() + " (" + round(theirs)
                            + source + "); " + baselineSummary(outcome, metric));
                }
            }
            Double liveMetric = theirs;
            String liveSource = source;

            Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            if (live.isPresent()) {
                // Versions must grow in string order or the registry keeps serving the old one.
                Instant liveAt = versionTime(live.get().version());
                if (liveAt != null && !created.isAfter(liveAt)) {
                    created = liveAt.plusMillis(1);
                }
            }
            String version = ModelFolder.VERSION.format(created);
            tmp = folder.begin(version);
            Files.write(tmp.resolve(ModelFolder.ONNX), ((ONNXExportable) outcome.model())
                    .exportONNXModel("dev.rialto", created.toEpochMilli()).toByteArray());
            folder.writeCard(tmp, ModelCard.of(s, version, created, outcome));
            folder.commit(tmp, version);
            tmp = null;
            String why = live.map(l -> metric + " " + round(mine) + " beats the live version " + l.version() + " ("
                    + round(liveMetric) + liveSource + ")").orElse("no live model; " + metric + "=" + round(mine));
            return report(s, Status.PROMOTED, outcome, started, version, "version " + version + " written: " + why
                    + "; " + baselineSummary(outcome, metric));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("Model {} training failed", s.modelName(), e);
            return report(s, Status.FAILED, null, started, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                folder.abort(tmp);
            }
        }
    }

    private static String baselineSummary(TrainingRun.Outcome outcome, String metric) {
        StringBuilder out = new StringBuilder("baselines " + metric + ":");
        for (String b : List.of(EvaluationReport.POPULARITY, EvaluationReport.ITEM_KNN, EvaluationReport.BUY_AGAIN)) {
            Double v = outcome.baselines().get(b + "." + metric);
            out.append(' ').append(b).append(' ').append(v == null || !Double.isFinite(v) ? "n/a" : round(v));
        }
        return out.toString();
    }

    private static Instant versionTime(String version) {
        try {
            return Instant.from(ModelFolder.VERSION.parse(version));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private TrainingReport report(Settings s, Status status, TrainingRun.Outcome outcome, Instant started,
            String version, String message) {
        Map<String, Double> metrics = outcome == null ? Map.of() : ModelCard.finite(outcome.metrics());
        Map<String, Double> baselines = outcome == null ? Map.of() : ModelCard.finite(outcome.baselines());
        return new TrainingReport(status, s.modelName(), version, started, clock.instant(),
                outcome == null ? 0 : outcome.trainRows(), outcome == null ? 0 : outcome.testRows(),
                new LinkedHashMap<>(metrics), new LinkedHashMap<>(baselines), message);
    }
}
