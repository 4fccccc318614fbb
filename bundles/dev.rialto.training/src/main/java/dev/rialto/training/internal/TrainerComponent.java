package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.EvaluationHistory;
import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingProgress;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingReport.Status;
import dev.rialto.api.models.TrainingService;
import dev.rialto.api.retrieval.BehaviourVectorSink;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;
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
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.ONNXExportable;

/**
 * Trains the ranker from the store, evaluates it on the latest period and writes it to the models folder only
 * when it beats the live model on the configured metric; trains the behaviour embeddings (iALS), evaluates them
 * beside the baselines and publishes them to the index's {@link BehaviourVectorSink} when one is registered.
 */
@Component(name = TrainerComponent.PID, configurationPid = TrainerComponent.PID,
        service = {ModelTrainer.class, EvaluationHistory.class, TrainingService.class},
        property = ServiceProperties.BEAN_NAME + "=trainer")
@Designate(ocd = TrainerComponent.Config.class)
public final class TrainerComponent implements ModelTrainer, EvaluationHistory, TrainingService {
    public static final String PID = "dev.rialto.training";
    static final String FRAMEWORK = "tribuo 4.3.2 LogisticRegression";
    static final String FRAMEWORK_FM = "tribuo 4.3.2 FactorizationMachine";

    private static final Logger LOG = LoggerFactory.getLogger(TrainerComponent.class);

    @ObjectClassDefinition(name = "Rialto training",
            description = "Trains the ranker (Tribuo logistic regression or factorisation machine) from the store and "
                    + "promotes it when better.")
    public @interface Config {
        @AttributeDefinition(name = "Models folder", description = "Empty means ${karaf.home}/models.")
        String models_dir() default "";

        @AttributeDefinition(name = "Model name", description = "The folder under the models folder.")
        String model_name() default "ranker";

        @AttributeDefinition(name = "Minimum events", description = "Fewer stored events: the run is skipped.")
        int min_events() default 1000;

        @AttributeDefinition(name = "Negatives per positive", description = "Sampled negative rows per positive.")
        int negatives_per_positive() default 4;

        @AttributeDefinition(name = "History negatives", description = "Share of a training user's negatives drawn "
                + "from the items they touched before the label period but not in it; the rest are uniform.")
        double negatives_history_share() default 0;

        @AttributeDefinition(name = "Test fraction",
                description = "Share of events (by count, in time order) held out as the test period.")
        double test_fraction() default 0.2;

        @AttributeDefinition(name = "Seed", description = "Seed of sampling and SGD: a run is reproducible.")
        long seed() default 12345L;

        @AttributeDefinition(name = "Epochs", description = "SGD passes over the training rows.")
        int epochs() default 5;

        @AttributeDefinition(name = "Ranker", description = "logistic (Tribuo logistic regression) or fm (Tribuo "
                + "factorisation machine over the same features, pairwise interactions included).")
        String ranker() default Settings.FM;

        @AttributeDefinition(name = "FM factors", description = "Length of the factorisation machine's factors.")
        int fm_factors() default 8;

        @AttributeDefinition(name = "Promotion metric", description = "auc, logloss (lower wins), hr@10, ndcg@10, hr@10.full or ndcg@10.full.")
        String promote_metric() default "ndcg@10";

        @AttributeDefinition(name = "History limit",
                description = "How many of a user's latest events the feature extractor sees; match serving.")
        int history_limit() default 1000;

        @AttributeDefinition(name = "Ad click model history limit",
                description = "How many of a user's latest events the ad click model's features see.")
        int ads_history_limit() default Settings.ADS_HISTORY_LIMIT;

        @AttributeDefinition(name = "Behaviour model name",
                description = "Name of the behaviour embeddings (iALS) published to the item index.")
        String behaviour_model_name() default "behaviour-ials";

        @AttributeDefinition(name = "iALS factors", description = "Length of the behaviour vectors.")
        int ials_factors() default 32;

        @AttributeDefinition(name = "iALS iterations", description = "Alternating least-squares passes.")
        int ials_iterations() default 10;

        @AttributeDefinition(name = "iALS regularisation", description = "L2 weight lambda.")
        double ials_regularisation() default 0.1;

        @AttributeDefinition(name = "iALS alpha", description = "Confidence scale: c = 1 + alpha * log(1 + r).")
        double ials_alpha() default 10;

        @AttributeDefinition(name = "Ad click model name", description = "Name of the ad click model (pCTR of"
                + " creatives, trained from impression and ad_click events); empty: not trained.")
        String ads_model_name() default "ads-ctr";

        @AttributeDefinition(name = "iALS event weights",
                description = "type:weight pairs; r of a (user, item) is the sum of its events' weights.")
        String ials_weights() default Behaviour.Config.DEFAULT_WEIGHTS;
    }

    private final ItemRepository itemRepository;
    private final EventRepository eventRepository;
    private final FeatureExtractor extractor;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean behaviourRunning = new AtomicBoolean();
    private volatile Settings settings;
    /** Newest event timestamp the last behaviour run trained on. */
    private volatile Instant lastBehaviourDataTo;
    /** The vectors the last behaviour run published, for checks in tests. */
    volatile BehaviourVectors lastPublished;
    /** The index, when the retrieval feature is installed: behaviour vectors are published to it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BehaviourVectorSink vectorSink;
    private final Jobs jobs = new Jobs();
    private final AtomicBoolean adsRunning = new AtomicBoolean();
    /** The ad click model's name; empty when it is not trained. */
    private volatile String adsModelName = "";
    /** Newest event timestamp the last ad click run trained on. */
    private volatile Instant lastAdsDataTo;
    /** The last ad click run, for checks in tests. */
    volatile AdClickRun.Outcome lastAdsOutcome;
    /** The cron expression of the last scheduled call, parsed, and when that call was made. */
    private volatile Cron cron;
    private volatile Instant lastTick;
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
        this.adsModelName = adsModelName(config, settings);
    }

    static String adsModelName(Config config, Settings s) {
        String name = config.ads_model_name() == null ? "" : config.ads_model_name().strip();
        if (!name.isEmpty() && (!name.matches(Settings.NAME) || name.equals(s.modelName())
                || name.equals(s.behaviour().modelName()))) {
            throw new IllegalArgumentException("ads.model.name must be a model name other than model.name and"
                    + " behaviour.model.name, was '" + name + "'");
        }
        return name;
    }

    /** Names the ad click model (empty: not trained); for tests that build the component with {@code new}. */
    TrainerComponent adsModel(String name) {
        this.adsModelName = name == null ? "" : name.strip();
        return this;
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
        this.adsModelName = adsModelName(config, settings);
        this.lastAdsDataTo = null;
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
        Behaviour.Config behaviour = new Behaviour.Config(
                config.behaviour_model_name() == null ? null : config.behaviour_model_name().strip(),
                new Ials.Params(config.ials_factors(), config.ials_iterations(), config.ials_regularisation(),
                        config.ials_alpha(), config.seed()), Behaviour.weights(config.ials_weights()));
        return new Settings(modelsDir.toAbsolutePath(), config.model_name() == null ? null : config.model_name().strip(),
                config.min_events(), config.negatives_per_positive(), config.test_fraction(), config.seed(),
                config.epochs(), config.promote_metric(), config.history_limit(), behaviour, config.ranker(),
                config.fm_factors(), config.negatives_history_share(), config.ads_history_limit());
    }

    @Deactivate
    void deactivate() {
        jobs.shutdown();
    }

    @Override
    public List<String> trainable() {
        Settings s = settings;
        String ads = adsModelName;
        return ads.isEmpty() ? List.of(s.modelName(), s.behaviour().modelName())
                : List.of(s.modelName(), s.behaviour().modelName(), ads);
    }

    private List<String> models(String model) {
        List<String> all = trainable();
        if (model == null || model.isBlank()) {
            return all;
        }
        if (!all.contains(model.strip())) {
            throw new IllegalArgumentException("model '" + model + "' is not trained here; known: " + all);
        }
        return List.of(model.strip());
    }

    @Override
    public List<TrainingReport> train(String model, boolean force, TrainingProgress progress) {
        List<String> names = models(model);
        TrainingProgress p = progress == null ? TrainingProgress.NONE : progress;
        List<TrainingReport> out = new ArrayList<>();
        for (String name : names) {
            out.add(trainOne(name, force, p));
        }
        return out;
    }

    private TrainingReport trainOne(String name, boolean force, TrainingProgress progress) {
        Settings s = settings;
        TrainingRun.Progress p = (stage, fraction) -> {
            try {
                progress.update(name, stage, Math.max(0, Math.min(1, fraction)));
            } catch (RuntimeException e) {
                LOG.debug("A training progress listener failed", e);
            }
        };
        TrainingReport report = name.equals(s.behaviour().modelName()) ? trainBehaviour(s, force, p)
                : name.equals(adsModelName) ? trainAds(s, name, force, p) : train(force, p);
        p.update("done", 1);
        return report;
    }

    /**
     * One run of the behaviour model: iALS fitted on the events before the split and evaluated beside the
     * baselines on the test period; when it beats popularity on the metric, fitted again on every event and
     * published to the index.
     */
    private TrainingReport trainBehaviour(Settings s, boolean force, TrainingRun.Progress progress) {
        String name = s.behaviour().modelName();
        Instant started = clock.instant();
        if (!behaviourRunning.compareAndSet(false, true)) {
            return new TrainingReport(Status.SKIPPED, name, null, started, clock.instant(), 0, 0, Map.of(), Map.of(),
                    "a training run of " + name + " is already in progress");
        }
        TrainingReport report;
        TrainingRun.BehaviourOutcome outcome = null;
        String metric = null;
        try {
            long count = eventRepository.count();
            Instant newest = eventRepository.newestTimestamp();
            Instant seen = lastBehaviourDataTo;
            if (count < s.minEvents()) {
                report = behaviourReport(s, Status.SKIPPED, null, started, null,
                        "only " + count + " events are stored; min.events is " + s.minEvents());
            } else if (!force && seen != null && newest != null && !newest.isAfter(seen)) {
                report = behaviourReport(s, Status.SKIPPED, null, started, null, "no event newer than " + seen
                        + " (the data of the last run); use force to train anyway");
            } else {
                Map<String, Item> items = new HashMap<>();
                itemRepository.forEach(item -> items.put(item.id(), item));
                List<Event> events = new ArrayList<>();
                eventRepository.forEach(null, null, events::add);
                TrainingRun run = new TrainingRun(s, extractor, items, events).progress(progress);
                outcome = run.runBehaviour();
                lastBehaviourDataTo = outcome.to();
                Map<String, Double> mine = outcome.results().get(TrainingRun.IALS);
                metric = mine.containsKey(s.promoteMetric()) ? s.promoteMetric() : TrainingRun.NDCG;
                Double own = mine.get(metric);
                Double popularity = outcome.results().get(EvaluationReport.POPULARITY).get(metric);
                BehaviourVectorSink sink = vectorSink;
                boolean better = own != null && Double.isFinite(own) && (popularity == null
                        || !Double.isFinite(popularity) || (s.higherIsBetter() ? own > popularity : own < popularity));
                String versus = metric + " " + round(own == null ? Double.NaN : own) + " against popularity "
                        + round(popularity == null ? Double.NaN : popularity);
                if (!better) {
                    report = behaviourReport(s, Status.REJECTED, outcome, started, null,
                            versus + ": not published, it does not beat popularity");
                } else if (sink == null) {
                    report = behaviourReport(s, Status.REJECTED, outcome, started, null, versus
                            + ": not published, no BehaviourVectorSink service (install the rialto-retrieval feature)");
                } else {
                    progress.update("publish", 0.85);
                    Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    String version = ModelFolder.VERSION.format(created);
                    Behaviour.Fitted all = run.fitAllIals();
                    BehaviourVectors vectors = new BehaviourVectors(name, version, s.behaviour().params().factors(),
                            all.itemVectors(), all.userVectors(), s.behaviour().params().regularisation(), created,
                            // How Ials weighed the events: consumers fold new users in the same way.
                            new FoldInConfidence(FoldInConfidence.Form.LOG1P, s.behaviour().params().alpha()));
                    progress.update("publish", 0.95);
                    sink.publish(vectors);
                    lastPublished = vectors;
                    report = behaviourReport(s, Status.PROMOTED, outcome, started, version, "version " + version
                            + " published (" + vectors.items().size() + " items, " + vectors.users().size()
                            + " users); " + versus + " (" + Behaviour.describe(s.behaviour()) + ")");
                }
            }
        } catch (TrainingRun.NotEnoughData e) {
            report = behaviourReport(s, Status.SKIPPED, null, started, null, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Model {} training failed", name, e);
            report = behaviourReport(s, Status.FAILED, null, started, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            behaviourRunning.set(false);
        }
        switch (report.status()) {
            case PROMOTED, REJECTED -> LOG.info("Model {} training {}: {}", name, report.status(), report.message());
            case SKIPPED -> LOG.info("Model {} training skipped: {}", name, report.message());
            case FAILED -> LOG.warn("Model {} training failed: {}", name, report.message());
        }
        if (report.status() != Status.SKIPPED) {
            keepBehaviour(s, report, outcome, metric == null ? TrainingRun.NDCG : metric);
        }
        return report;
    }

    /**
     * One run of the ad click model: logistic regression on the ad features of every impression, evaluated on the
     * latest impressions beside the historical CTR (and the live version, measured on the same split), written to
     * the models folder only when it beats the historical CTR on both log loss and AUC, and the live version on
     * log loss.
     */
    private TrainingReport trainAds(Settings s, String name, boolean force, TrainingRun.Progress progress) {
        Instant started = clock.instant();
        if (!adsRunning.compareAndSet(false, true)) {
            return new TrainingReport(Status.SKIPPED, name, null, started, clock.instant(), 0, 0, Map.of(), Map.of(),
                    "a training run of " + name + " is already in progress");
        }
        ModelFolder folder = new ModelFolder(s.modelsDir(), name);
        AdClickRun.Outcome outcome = null;
        String liveVersion = null;
        TrainingReport report;
        Path tmp = null;
        try {
            Optional<ModelFolder.Live> live = folder.live();
            Instant seen = lastAdsDataTo != null ? lastAdsDataTo : live.map(ModelFolder.Live::trainedUpTo).orElse(null);
            Instant newest = eventRepository.newestTimestamp();
            if (!force && seen != null && newest != null && !newest.isAfter(seen)) {
                report = adsReport(name, Status.SKIPPED, null, started, null, "no event newer than " + seen
                        + " (the data of the last run); use force to train anyway");
            } else {
                List<Event> events = new ArrayList<>();
                eventRepository.forEach(null, null, events::add);
                LiveContender liveContender = null;
                if (live.isPresent()) {
                    liveVersion = live.get().version();
                    try {
                        liveContender = LiveContender.of(live.get(), s.adsHistoryLimit());
                    } catch (RuntimeException e) {
                        LOG.warn("Model {}: the live version {} cannot be scored: {}", name, liveVersion,
                                e.getMessage());
                    }
                }
                outcome = new AdClickRun(s, extractor, events, liveContender).progress(progress).run();
                lastAdsDataTo = outcome.to();
                lastAdsOutcome = outcome;
                report = adsGate(s, name, folder, live, outcome, started);
                if (report.status() == Status.PROMOTED) {
                    tmp = folder.begin(report.version());
                    Instant created = versionTime(report.version());
                    Files.write(tmp.resolve(ModelFolder.ONNX), ((ONNXExportable) outcome.model())
                            .exportONNXModel("dev.rialto", created.toEpochMilli()).toByteArray());
                    folder.writeCard(tmp, ModelCard.ofAds(s, name, report.version(), created, outcome));
                    folder.commit(tmp, report.version());
                    tmp = null;
                }
            }
        } catch (TrainingRun.NotEnoughData e) {
            report = adsReport(name, Status.SKIPPED, null, started, null, e.getMessage());
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("Model {} training failed", name, e);
            report = adsReport(name, Status.FAILED, null, started, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                folder.abort(tmp);
            }
            adsRunning.set(false);
        }
        switch (report.status()) {
            case PROMOTED, REJECTED -> LOG.info("Model {} training {}: {}", name, report.status(), report.message());
            case SKIPPED -> LOG.info("Model {} training skipped: {}", name, report.message());
            case FAILED -> LOG.warn("Model {} training failed: {}", name, report.message());
        }
        if (report.status() != Status.SKIPPED) {
            keepAds(s, name, report, outcome, liveVersion);
        }
        return report;
    }

    /** The promotion gate of the ad click model; a PROMOTED report carries the version to write. */
    private TrainingReport adsGate(Settings s, String name, ModelFolder folder, Optional<ModelFolder.Live> live,
            AdClickRun.Outcome o, Instant started) {
        Map<String, Double> mine = o.metrics();
        Map<String, Double> historical = o.results().get(AdClickRun.HISTORICAL);
        double loss = mine.get(AdClickRun.LOGLOSS);
        double auc = mine.get(AdClickRun.AUC);
        String versus = "logloss " + round(loss) + " vs historical CTR " + round(historical.get(AdClickRun.LOGLOSS))
                + ", auc " + round(auc) + " vs " + round(historical.get(AdClickRun.AUC));
        if (!(loss < historical.get(AdClickRun.LOGLOSS)) || !(auc > historical.get(AdClickRun.AUC))) {
            return adsReport(name, Status.REJECTED, o, started, null, versus
                    + ": not promoted, it does not beat the historical CTR on both");
        }
        if (live.isPresent()) {
            Map<String, Double> measured = o.results().get(EvaluationReport.LIVE);
            Double theirs = measured != null ? measured.get(AdClickRun.LOGLOSS)
                    : live.get().metrics().get(AdClickRun.LOGLOSS);
            String source = measured != null ? "measured on the same split" : "from its card, another split";
            if (theirs == null || !(loss < theirs)) {
                return adsReport(name, Status.REJECTED, o, started, null, versus + "; logloss does not beat the live"
                        + " version " + live.get().version() + " (" + (theirs == null ? "n/a" : round(theirs)) + ", "
                        + source + ")");
            }
            versus += "; beats the live version " + live.get().version() + " (logloss " + round(theirs) + ", "
                    + source + ")";
        }
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant liveAt = live.map(l -> versionTime(l.version())).orElse(null);
        if (liveAt != null && !created.isAfter(liveAt)) {
            created = liveAt.plusMillis(1);
        }
        String version = ModelFolder.VERSION.format(created);
        return adsReport(name, Status.PROMOTED, o, started, version, "version " + version + " written: " + versus);
    }

    private TrainingReport adsReport(String name, Status status, AdClickRun.Outcome o, Instant started,
            String version, String message) {
        return new TrainingReport(status, name, version, started, clock.instant(), o == null ? 0 : o.trainRows(),
                o == null ? 0 : o.testRows(), o == null ? Map.of() : new LinkedHashMap<>(ModelCard.finite(o.metrics())),
                o == null ? Map.of() : new LinkedHashMap<>(ModelCard.finite(o.baselines())), message);
    }

    private void keepAds(Settings s, String name, TrainingReport report, AdClickRun.Outcome o, String liveVersion) {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        String winner = null;
        if (o != null) {
            o.results().forEach((k, v) -> results.put(k, ModelCard.finite(v)));
            double best = Double.NaN;
            for (Map.Entry<String, Map<String, Double>> e : results.entrySet()) {
                Double v = e.getValue().get(AdClickRun.LOGLOSS);
                if (v != null && (winner == null || v < best)) {
                    winner = e.getKey();
                    best = v;
                }
            }
        }
        EvaluationReport evaluation = new EvaluationReport(name, report.startedAt(), report.finishedAt(),
                report.status(), report.version(), liveVersion, o != null && o.results().containsKey(
                        EvaluationReport.LIVE) ? EvaluationReport.LIVE_MEASURED : null, AdClickRun.LOGLOSS, winner,
                results, o == null ? null : o.from(), o == null ? null : o.cutoff(), o == null ? null : o.splitAt(),
                o == null ? null : o.to(), o == null ? 0 : o.events(), report.trainRows(), report.testRows(), 0, 0,
                report.message());
        try {
            new EvaluationLog(s.modelsDir(), name).write(evaluation);
        } catch (RuntimeException e) {
            LOG.warn("Model {}: the evaluation report could not be kept: {}", name, e.getMessage());
        }
    }

    private TrainingReport behaviourReport(Settings s, Status status, TrainingRun.BehaviourOutcome o,
            Instant started, String version, String message) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Double> baselines = new LinkedHashMap<>();
        if (o != null) {
            metrics.putAll(ModelCard.finite(o.results().get(TrainingRun.IALS)));
            o.results().forEach((contender, values) -> {
                if (!contender.equals(TrainingRun.IALS)) {
                    ModelCard.finite(values).forEach((k, v) -> baselines.put(contender + "." + k, v));
                }
            });
        }
        return new TrainingReport(status, s.behaviour().modelName(), version, started, clock.instant(), 0,
                o == null ? 0 : o.testRows(), metrics, baselines, message);
    }

    private void keepBehaviour(Settings s, TrainingReport report, TrainingRun.BehaviourOutcome o, String metric) {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        String winner = null;
        if (o != null) {
            o.results().forEach((k, v) -> results.put(k.equals(TrainingRun.IALS) ? EvaluationReport.MODEL : k,
                    ModelCard.finite(v)));
            double best = Double.NaN;
            for (Map.Entry<String, Map<String, Double>> e : results.entrySet()) {
                Double v = e.getValue().get(metric);
                if (v != null && (winner == null || (s.higherIsBetter() ? v > best : v < best))) {
                    winner = e.getKey();
                    best = v;
                }
            }
        }
        EvaluationReport evaluation = new EvaluationReport(s.behaviour().modelName(), report.startedAt(),
                report.finishedAt(), report.status(), report.version(), null, null, metric, winner, results,
                o == null ? null : o.from(), null, o == null ? null : o.splitAt(), o == null ? null : o.to(),
                o == null ? 0 : o.events(), 0, report.testRows(), o == null ? 0 : o.evalUsers(),
                o == null ? 0 : o.fullRankUsers(), report.message());
        try {
            new EvaluationLog(s.modelsDir(), s.behaviour().modelName()).write(evaluation);
        } catch (RuntimeException e) {
            LOG.warn("Model {}: the evaluation report could not be kept: {}", s.behaviour().modelName(),
                    e.getMessage());
        }
    }

    @Override
    public TrainingJob submit(String model, boolean force) {
        List<String> names = models(model);
        return jobs.submit(names, force, (name, progress) -> trainOne(name, force, progress));
    }

    @Override
    public Optional<TrainingJob> job(String id) {
        return jobs.get(id);
    }

    @Override
    public List<TrainingReport> trainIfDue(String expression) {
        Cron parsed = cron;
        if (parsed == null || !parsed.toString().equals(expression == null ? null : expression.strip())) {
            parsed = Cron.parse(expression);
            cron = parsed;
        }
        Instant now = clock.instant();
        Instant previous = lastTick == null ? now.minusSeconds(60) : lastTick;
        lastTick = now;
        if (!parsed.firedBetween(previous, now)) {
            return List.of();
        }
        return train(null, false, TrainingProgress.NONE);
    }

    @Override
    public Optional<TrainingReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    @Override
    public TrainingReport train(boolean force) {
        return train(force, TrainingRun.Progress.NONE);
    }

    private TrainingReport train(boolean force, TrainingRun.Progress progress) {
        Settings s = settings;
        Instant started = clock.instant();
        if (!running.compareAndSet(false, true)) {
            // Not kept as the last report: it would hide the outcome of the run that is going on.
            return report(s, Status.SKIPPED, null, started, null, "a training run is already in progress");
        }
        try {
            RunState state = new RunState();
            TrainingReport report = run(s, force, started, state, progress);
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

    private TrainingReport run(Settings s, boolean force, Instant started, RunState state,
            TrainingRun.Progress progress) {
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
                outcome = new TrainingRun(s, extractor, items, events, liveContender).progress(progress).run();
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
            byte[] onnx = ((ONNXExportable) outcome.model()).exportONNXModel("dev.rialto", created.toEpochMilli())
                    .toByteArray();
            // The scorer then passes item numbers and the user's vectors, not a filled [N, F] matrix.
            boolean indexed = IndexedGraph.supports(outcome.onnxFeatures());
            Files.write(tmp.resolve(ModelFolder.ONNX), indexed
                    ? IndexedGraph.wrap(onnx, "input", outcome.onnxFeatures()) : onnx);
            folder.writeCard(tmp, ModelCard.of(s, version, created, outcome, indexed));
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
        for (String b : TrainingRun.BASELINES) {
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
