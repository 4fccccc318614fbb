package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.Model;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * One training run of the ranker: builds the time-split dataset through the {@link FeatureExtractor}, fits a
 * logistic regression with Tribuo and evaluates it and a popularity baseline on the test period.
 *
 * <p>Protocol ("predict the next period", no future information in features):
 * <ul>
 * <li>T is the event timestamp at the (1 - test.fraction) quantile by count; the test period is [T, end].</li>
 * <li>T0 is the same quantile of the events before T; training labels come from [T0, T).</li>
 * <li>Training features are computed from a snapshot and user histories of the events before T0; test features
 * from the events before T.</li>
 * <li>A positive is a (user, item) pair with a view, click, add_to_cart or purchase in the label period, weighted
 * by its strongest event (view/click 1, add_to_cart 2, purchase 3). Negatives are sampled uniformly from the
 * catalogue items the user did not touch in that period, weight 1.</li>
 * </ul>
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    public static final String AUC = "auc";
    /** Feature names of the ad click model; the ranker leaves them out. */
    static final String AD_FEATURE_PREFIX = "ad_";
    public static final String LOGLOSS = "logloss";
    public static final String HR = "hr@10";
    public static final String NDCG = "ndcg@10";
    public static final String POSITIVE = "1";
    public static final String NEGATIVE = "0";
    static final String POPULARITY = "popularity.";
    /** The behaviour embeddings' contender: the dot product of the user's and the item's iALS vectors. */
    public static final String IALS = "ials";
    /**
     * The extractor's feature computed from behaviour vectors: when the extractor names it, the run fits iALS on
     * the training snapshot's events too and hands each snapshot its own fit.
     */
    static final String BEHAVIOUR_FEATURE = "user_item_behaviour";
    /** The non-ONNX contenders, in the order {@link Evaluation} scores them. */
    static final List<String> BASELINES = List.of(EvaluationReport.POPULARITY, EvaluationReport.ITEM_KNN,
            EvaluationReport.BUY_AGAIN, IALS);

    /** The He et al. (2017) protocol: each user's test positives ranked among 100 sampled negatives. */
    static final int EVAL_NEGATIVES = 100;
    static final int K = 10;
    /** Bounds evaluation cost on large stores; users are sampled with the run's seed. */
    static final int MAX_EVAL_USERS = 5000;
    /** Users ranked against the whole catalogue (a subset of the sampled-protocol users). */
    static final int MAX_FULL_RANK_USERS = 2000;
    /** Neighbours kept per item by the item-kNN baseline. */
    static final int KNN_NEIGHBOURS = 100;
    /** AdaGrad's initial learning rate for the factorisation machine (1.0, the logistic one, diverges there). */
    static final double FM_LEARNING_RATE = 0.1;
    static final String HR_FULL = "hr@10.full";
    static final String NDCG_FULL = "ndcg@10.full";
    static final String ECE = "ece";
    static final int ECE_BINS = 10;
    /** Rows kept in the outcome for checks (ONNX against Tribuo). */
    static final int SAMPLE_ROWS = 500;

    private static final Map<EventType, Float> WEIGHTS = new EnumMap<>(Map.of(
            EventType.VIEW, 1f, EventType.CLICK, 1f, EventType.ADD_TO_CART, 2f, EventType.PURCHASE, 3f));

    /** Thrown when the events do not allow an honest split; the run is SKIPPED, not FAILED. */
    public static final class NotEnoughData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotEnoughData(String message) {
            super(message);
        }
    }

    /**
     * What a run produced.
     *
     * @param model          the fitted Tribuo model
     * @param onnxFeatures   feature names in the ONNX input's column order ({@code getFeatureIDMap()} ids)
     * @param positiveIndex  the output column of label "1"
     * @param labelCount     output columns
     * @param sampleRows     some test rows, values in {@code extractorFeatures} order
     */
    public record Outcome(Model<Label> model, List<String> onnxFeatures, int positiveIndex, int labelCount,
            Map<String, Double> metrics, Map<String, Double> baselines, long trainRows, long testRows, long events,
            Instant from, Instant to, Instant cutoff, Instant splitAt, int evalUsers, List<String> extractorFeatures,
            List<float[]> sampleRows, Map<String, Map<String, Double>> results, String liveNote, int fullRankUsers) {
    }

    /**
     * What a behaviour-only run produced: the iALS evaluation beside the baselines (no ranker is fitted).
     *
     * @param results contender -> metric; {@link #IALS} and the baselines
     */
    public record BehaviourOutcome(Map<String, Map<String, Double>> results, long testRows, long events, Instant from,
            Instant to, Instant splitAt, int evalUsers, int fullRankUsers) {
    }

    /** Progress of a run: a stage name and the fraction of the run done, in [0, 1]. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (stage, fraction) -> { };

        void update(String stage, double fraction);
    }

    /**
     * A whole recommend pipeline evaluated beside the contenders (the offline quality benchmark): its candidates
     * for a user, best first, whose head is reranked by the new model's scores as the recommender reranks it with
     * a scorer. Ranked users only (full ranking); results under {@link #PIPELINE} (head reranked by the model) and
     * {@link #FUSED} (the candidates' own order), with the share of test positives among the candidates.
     */
    public interface Pipeline {
        /** Called once, before any {@link #candidates}, with the iALS vectors fitted on the events before the split. */
        void prepare(dev.rialto.api.retrieval.BehaviourVectors trainVectors);

        /** The user's candidates, best first, from data before the split only. */
        List<String> candidates(String user);
    }

    public static final String PIPELINE = "pipeline";
    public static final String FUSED = "pipeline-fused";
    public static final String CANDIDATE_RECALL = "candidate.recall";

    /** Rows are appended user by user: {@code users} holds each row's user. */
    private record Rows(List<float[]> x, List<Boolean> y, List<Float> w, List<String> items, List<String> users) {
        Rows() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private final Settings settings;
    private final FeatureExtractor extractor;
    private final Map<String, Item> items;
    private final List<Event> events;
    private final String[] itemIds;
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> features;
    private final String[] featureArray;
    private final Map<String, List<Event>> byUser = new TreeMap<>();
    private final LiveContender live;
    /** Why the live model was not scored, or null. */
    private String liveNote;
    private Progress progress = Progress.NONE;
    /** iALS fitted on the events before the split, for the evaluation. */
    private Behaviour.Fitted ials;
    private Pipeline pipeline;

    public TrainingRun(Settings settings, FeatureExtractor extractor, Map<String, Item> items, List<Event> events) {
        this(settings, extractor, items, events, null);
    }

    /**
     * @param events every stored event; sorted here by time (stable) in case a store returns them out of order
     * @param live   the live model to score on the same split, or null
     */
    TrainingRun(Settings settings, FeatureExtractor extractor, Map<String, Item> items, List<Event> events,
            LiveContender live) {
        this.live = live;
        this.settings = settings;
        this.extractor = extractor;
        this.items = items;
        this.events = new ArrayList<>(events);
        this.events.sort(Comparator.comparing(Event::timestamp));
        this.itemIds = items.keySet().stream().sorted().toArray(String[]::new);
        for (int i = 0; i < itemIds.length; i++) {
            itemIndex.put(itemIds[i], i);
        }
        // The ad_* columns describe ad creatives, not catalogue items: they belong to the ad click model.
        this.features = extractor.featureNames().stream().filter(f -> !f.startsWith(AD_FEATURE_PREFIX)).toList();
        if (features.isEmpty() || new HashSet<>(features).size() != features.size()) {
            throw new IllegalStateException("the FeatureExtractor must name at least one feature, each once; it named "
                    + features);
        }
        this.featureArray = features.toArray(String[]::new);
        for (Event e : this.events) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
    }

    /** Evaluates a recommend pipeline beside the contenders in {@link #run()}; null for none. */
    TrainingRun pipeline(Pipeline p) {
        this.pipeline = p;
        return this;
    }

    TrainingRun progress(Progress p) {
        this.progress = p == null ? Progress.NONE : p;
        return this;
    }

    /**
     * Fits iALS on the events before the split and evaluates it beside the baselines on the test period, as the
     * ranker's run does; no ranker is fitted.
     */
    public BehaviourOutcome runBehaviour() {
        int n = events.size();
        int[] bounds = split(n);
        int split = bounds[0];
        Instant splitAt = events.get(split).timestamp();
        Map<String, Map<String, Float>> testPositives = positives(split, n);
        if (testPositives.isEmpty()) {
            throw new NotEnoughData("no item events in the test period");
        }
        SplittableRandom random = new SplittableRandom(settings.seed());
        progress.update("features", 0.05);
        FeatureSnapshot testSnapshot = extractor.snapshot(items, events.subList(0, split));
        Rows test = rows(testSnapshot, splitAt, testPositives, random);
        ials = fitIals(split, 0.1, 0.6);
        progress.update("evaluation", 0.6);
        Evaluation evaluation = new Evaluation(testSnapshot, splitAt, split, testPositives, popularity(split), test);
        evaluation.progressFrom = 0.6;
        evaluation.progressTo = 0.8;
        Map<String, Map<String, Double>> results = evaluation.run(random);
        progress.update("evaluation", 0.8);
        return new BehaviourOutcome(results, test.x().size(), n, events.get(0).timestamp(),
                events.get(n - 1).timestamp(), splitAt, evaluation.evaluated, evaluation.fullEvaluated);
    }

    /** iALS on every event, for publication once the evaluation approved it. */
    Behaviour.Fitted fitAllIals() {
        return Behaviour.fit(events, itemIds, itemIndex, settings.behaviour(), null);
    }

    /** iALS on the events before {@code end}; progress moves from {@code from} to {@code to}. */
    private Behaviour.Fitted fitIals(int end, double from, double to) {
        Behaviour.Config config = settings.behaviour();
        int iterations = config.params().iterations();
        progress.update("ials", from);
        return Behaviour.fit(events.subList(0, end), itemIds, itemIndex, config,
                it -> progress.update("ials", from + (to - from) * it / iterations));
    }

    /** A fit as the vectors a sink would get; {@code suffix} tells the fits of one run apart. */
    private dev.rialto.api.retrieval.BehaviourVectors vectors(Behaviour.Fitted fitted, String suffix, Instant at) {
        return new dev.rialto.api.retrieval.BehaviourVectors(settings.modelName() + suffix, "1",
                settings.behaviour().params().factors(), fitted.itemVectors(), fitted.userVectors(),
                settings.behaviour().params().regularisation(), at,
                new dev.rialto.api.retrieval.FoldInConfidence(dev.rialto.api.retrieval.FoldInConfidence.Form.LOG1P,
                        settings.behaviour().params().alpha()));
    }

    /** {split, cut}: the test period starts at split, the training label period at cut. */
    private int[] split(int n) {
        if (itemIds.length < 2) {
            throw new NotEnoughData("the catalogue has " + itemIds.length + " items; at least 2 are needed");
        }
        int split = quantileIndex(n, 1 - settings.testFraction());
        int cut = quantileIndex(split, 1 - settings.testFraction());
        if (split <= 0 || split >= n || cut <= 0 || cut >= split) {
            throw new NotEnoughData("the events' timestamps do not allow a train / test split by time");
        }
        return new int[] {split, cut};
    }

    public Outcome run() {
        int n = events.size();
        int[] bounds = split(n);
        int split = bounds[0];
        int cut = bounds[1];
        Instant splitAt = events.get(split).timestamp();
        Instant cutoff = events.get(cut).timestamp();

        Map<String, Map<String, Float>> trainPositives = positives(cut, split);
        Map<String, Map<String, Float>> testPositives = positives(split, n);
        if (trainPositives.isEmpty() || testPositives.isEmpty()) {
            throw new NotEnoughData("no item events in the " + (trainPositives.isEmpty() ? "training" : "test")
                    + " label period");
        }
        SplittableRandom random = new SplittableRandom(settings.seed());
        long t0 = System.nanoTime();
        progress.update("features", 0.02);

        // Behaviour features see iALS fitted on the same events as the rest of the snapshot: before T0 for the
        // training rows, before T for the test rows (no label period leaks into a vector).
        boolean behaviourFeature = features.contains(BEHAVIOUR_FEATURE);
        Behaviour.Fitted trainIals = behaviourFeature ? fitIals(cut, 0.02, 0.12) : null;
        FeatureSnapshot trainSnapshot = extractor.snapshot(items, events.subList(0, cut),
                trainIals == null ? null : vectors(trainIals, "-cut", cutoff));
        Rows train = rows(trainSnapshot, cutoff, trainPositives, random, settings.historyNegatives());
        ials = fitIals(split, 0.12, 0.22);
        FeatureSnapshot testSnapshot = extractor.snapshot(items, events.subList(0, split),
                behaviourFeature ? vectors(ials, "-split", splitAt) : null);
        Rows test = rows(testSnapshot, splitAt, testPositives, random);
        if (!train.y().contains(Boolean.FALSE)) {
            throw new NotEnoughData("no negatives could be sampled: every item was touched");
        }
        long t1 = System.nanoTime();
        progress.update("fit", 0.25);

        Model<Label> model = fit(train);
        long t2 = System.nanoTime();
        progress.update("evaluation", 0.55);
        List<String> onnxFeatures = onnxFeatures(model);
        int positiveIndex = positiveIndex(model);

        byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.rialto", 0).toByteArray();
        long[] popularity = popularity(split);
        if (pipeline != null) {
            pipeline.prepare(vectors(ials, "-split", splitAt));
        }
        Evaluation evaluation = new Evaluation(testSnapshot, splitAt, split, testPositives, popularity, test);
        Map<String, Map<String, Double>> results;
        try (OnnxModel candidate = new OnnxModel(onnx, "input", onnxFeatures, "output", positiveIndex, features);
                OnnxModel liveModel = openLive()) {
            evaluation.addModel(EvaluationReport.MODEL, candidate, settings.historyLimit());
            if (liveModel != null) {
                evaluation.addModel(EvaluationReport.LIVE, liveModel, live.historyLimit());
            }
            results = evaluation.run(random);
        }
        long t3 = System.nanoTime();
        LOG.debug("Model {}: dataset {} ms, fit {} ms, evaluation {} ms ({} users sampled, {} full ranking)",
                settings.modelName(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                evaluation.evaluated, evaluation.fullEvaluated);

        Map<String, Double> metrics = results.get(EvaluationReport.MODEL);
        Map<String, Double> baselines = new LinkedHashMap<>();
        for (String b : BASELINES) {
            results.get(b).forEach((k, v) -> baselines.put(b + "." + k, v));
        }
        progress.update("evaluation", 0.9);
        List<float[]> sample = List.copyOf(test.x().subList(0, Math.min(SAMPLE_ROWS, test.x().size())));
        return new Outcome(model, List.copyOf(onnxFeatures), positiveIndex, model.getOutputIDInfo().size(),
                metrics, baselines, train.x().size(), test.x().size(), n, events.get(0).timestamp(),
                events.get(n - 1).timestamp(), cutoff, splitAt, evaluation.evaluated, features, sample, results,
                liveNote, evaluation.fullEvaluated);
    }

    /** The live model in ONNX Runtime, or null (with {@link #liveNote} saying why) when it cannot be scored. */
    private OnnxModel openLive() {
        if (live == null) {
            return null;
        }
        try {
            return new OnnxModel(live.onnx(), live.input(), live.features(), live.output(), live.positiveIndex(),
                    features);
        } catch (RuntimeException | LinkageError e) {
            liveNote = "the live version " + live.version() + " cannot be scored on this split: " + e.getMessage();
            LOG.warn("Model {}: {}", settings.modelName(), liveNote);
            return null;
        }
    }

    /** The index of the first event at the timestamp found at quantile q, so equal timestamps stay together. */
    private int quantileIndex(int count, double q) {
        int at = (int) Math.floor(q * count);
        if (at <= 0 || at >= count) {
            return at;
        }
        Instant t = events.get(at).timestamp();
        while (at > 0 && !events.get(at - 1).timestamp().isBefore(t)) {
            at--;
        }
        return at;
    }

    /** (user -> item -> weight) of the item events in [from, to), catalogue items only, users sorted. */
    private Map<String, Map<String, Float>> positives(int from, int to) {
        Map<String, Map<String, Float>> out = new TreeMap<>();
        for (Event e : events.subList(from, to)) {
            Float w = WEIGHTS.get(e.type());
            if (w == null || e.itemId() == null || !items.containsKey(e.itemId())) {
                continue;
            }
            out.computeIfAbsent(e.userId(), u -> new LinkedHashMap<>()).merge(e.itemId(), w, Math::max);
        }
        return out;
    }

    /** The user's events before the time, newest first, at most history.limit of them, as serving sees them. */
    private List<Event> history(String user, Instant before, int limit) {
        List<Event> all = byUser.getOrDefault(user, List.of());
        int end = 0;
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).timestamp().isBefore(before)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        end = lo;
        List<Event> out = new ArrayList<>(Math.min(end, limit));
        for (int i = end - 1; i >= 0 && out.size() < limit; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    private Rows rows(FeatureSnapshot snapshot, Instant before, Map<String, Map<String, Float>> positives,
            SplittableRandom random) {
        return rows(snapshot, before, positives, random, 0);
    }

    /**
     * Positives and negatives per user; {@code historyShare} of the negatives come from the user's own items in
     * the history (touched before, not a positive now), as far as there are such items, the rest uniformly.
     */
    private Rows rows(FeatureSnapshot snapshot, Instant before, Map<String, Map<String, Float>> positives,
            SplittableRandom random, double historyShare) {
        Rows rows = new Rows();
        for (Map.Entry<String, Map<String, Float>> user : positives.entrySet()) {
            Map<String, Float> pos = user.getValue();
            int wanted = pos.size() * settings.negativesPerPositive();
            List<Event> history = history(user.getKey(), before, settings.historyLimit());
            List<String> negatives = new ArrayList<>(wanted);
            if (historyShare > 0) {
                // Distinct catalogued items of the history, newest first, not positives; a random subset.
                List<String> own = new ArrayList<>();
                Set<String> seen = new HashSet<>(pos.keySet());
                for (Event e : history) {
                    if (e.itemId() != null && itemIndex.containsKey(e.itemId()) && seen.add(e.itemId())) {
                        own.add(e.itemId());
                    }
                }
                int take = Math.min(own.size(), (int) Math.round(wanted * historyShare));
                for (int i = 0; i < take; i++) {
                    int j = i + random.nextInt(own.size() - i);
                    String t = own.get(j);
                    own.set(j, own.get(i));
                    own.set(i, t);
                    negatives.add(t);
                }
            }
            Set<String> exclude = new HashSet<>(pos.keySet());
            exclude.addAll(negatives);
            negatives.addAll(sampleNegatives(exclude, wanted - negatives.size(), random));
            List<String> ids = new ArrayList<>(pos.keySet());
            ids.addAll(negatives);
            float[][] x = extract(snapshot, history, ids);
            for (int i = 0; i < ids.size(); i++) {
                boolean positive = i < pos.size();
                rows.x().add(x[i]);
                rows.y().add(positive);
                rows.w().add(positive ? pos.get(ids.get(i)) : 1f);
                rows.items().add(ids.get(i));
                rows.users().add(user.getKey());
            }
        }
        return rows;
    }

    /** Uniform sampling without replacement from the catalogue minus the excluded items. */
    private List<String> sampleNegatives(Set<String> exclude, int wanted, SplittableRandom random) {
        int available = itemIds.length - exclude.size();
        int count = Math.min(wanted, Math.max(0, available));
        Set<String> chosen = new HashSet<>();
        List<String> out = new ArrayList<>(count);
        if (count > available / 2) {
            // Dense case: shuffle the remaining catalogue rather than rejection-sample.
            List<String> rest = new ArrayList<>();
            for (String id : itemIds) {
                if (!exclude.contains(id)) {
                    rest.add(id);
                }
            }
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(rest.size() - i);
                String t = rest.get(j);
                rest.set(j, rest.get(i));
                rest.set(i, t);
                out.add(t);
            }
            return out;
        }
        while (out.size() < count) {
            String id = itemIds[random.nextInt(itemIds.length)];
            if (!exclude.contains(id) && chosen.add(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private float[][] extract(FeatureSnapshot snapshot, List<Event> history, List<String> ids) {
        int f = featureArray.length;
        FloatBuffer buffer = FloatBuffer.allocate(ids.size() * f);
        extractor.extract(snapshot, history, ids, features, buffer);
        float[][] out = new float[ids.size()][f];
        for (int i = 0; i < ids.size(); i++) {
            for (int j = 0; j < f; j++) {
                float v = buffer.get(i * f + j);
                // Tribuo refuses NaN and SGD diverges on infinities; the extractor should not emit them.
                out[i][j] = Float.isFinite(v) ? v : 0f;
            }
        }
        return out;
    }

    private Model<Label> fit(Rows train) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("rialto events",
                OffsetDateTime.now(ZoneOffset.UTC), factory), factory);
        Label yes = new Label(POSITIVE);
        Label no = new Label(NEGATIVE);
        for (int i = 0; i < train.x().size(); i++) {
            dataset.add(example(train.y().get(i) ? yes : no, train.w().get(i), train.x().get(i)));
        }
        if (Settings.FM.equals(settings.ranker())) {
            // Log loss on a factorisation machine (Rendle 2010): the linear terms plus pairwise interactions of
            // the features through factors of fmFactors, initial factor variance 0.1; minibatch 1, no logging.
            return new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(FM_LEARNING_RATE, 0.1),
                    settings.epochs(), -1, 1, settings.seed(), settings.fmFactors(), 0.1).train(dataset);
        }
        // Exactly LogisticRegressionTrainer (LogMulticlass, AdaGrad(1.0, 0.1), minibatch 1), with configurable
        // epochs and seed; -1 turns off Tribuo's per-iteration logging.
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1),
                settings.epochs(), -1, 1, settings.seed());
        return trainer.train(dataset);
    }

    /** Feature names in the exported ONNX input's column order: the model's feature ids (DESIGN.md section 5). */
    static List<String> onnxFeatures(Model<Label> model) {
        ImmutableFeatureMap featureMap = model.getFeatureIDMap();
        List<String> out = new ArrayList<>(featureMap.size());
        for (int id = 0; id < featureMap.size(); id++) {
            out.add(featureMap.get(id).getName());
        }
        return out;
    }

    /** The output column of label "1". */
    static int positiveIndex(Model<Label> model) {
        int positiveIndex = model.getOutputIDInfo().getID(new Label(POSITIVE));
        if (positiveIndex < 0) {
            throw new IllegalStateException("the model has no label \"1\"");
        }
        return positiveIndex;
    }

    /** Every feature is added, zeros too, so each one is in the model's feature domain and the ONNX input. */
    private ArrayExample<Label> example(Label label, float weight, float[] x) {
        ArrayExample<Label> example = new ArrayExample<>(label, weight, featureArray.length);
        for (int j = 0; j < featureArray.length; j++) {
            example.add(featureArray[j], x[j]);
        }
        return example;
    }

    /** Tribuo's probability of label "1" for each row. */
    double[] predict(Model<Label> model, List<float[]> x) {
        List<Example<Label>> examples = new ArrayList<>(x.size());
        for (float[] row : x) {
            examples.add(example(LabelFactory.UNKNOWN_LABEL, 1f, row));
        }
        List<Prediction<Label>> predictions = model.predict(examples);
        double[] p = new double[predictions.size()];
        for (int i = 0; i < p.length; i++) {
            Label label = predictions.get(i).getOutputScores().get(POSITIVE);
            p[i] = label == null ? 0 : label.getScore();
        }
        return p;
    }

    private long[] popularity(int before) {
        long[] counts = new long[itemIds.length];
        for (Event e : events.subList(0, before)) {
            Integer at = e.itemId() == null || !WEIGHTS.containsKey(e.type()) ? null : itemIndex.get(e.itemId());
            if (at != null) {
                counts[at]++;
            }
        }
        return counts;
    }

    private static boolean[] toBooleans(List<Boolean> list) {
        boolean[] out = new boolean[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /**
     * Scores every contender on the same test period: the ONNX models (the new one and the live one) through
     * the extractor, the baselines from the events before the split. Each contender sees the same test rows,
     * the same sampled candidates and the same tie-breaking per user.
     */
    private final class Evaluation {
        private record Contender(String name, OnnxModel model, int historyLimit) {
        }

        private final FeatureSnapshot snapshot;
        private final Instant splitAt;
        private final Map<String, Map<String, Float>> positives;
        private final long[] popularity;
        private final Rows test;
        private final List<Contender> models = new ArrayList<>();
        private final Map<String, Map<Integer, Double>> userWeights = new HashMap<>();
        private final Baselines.ItemKnn knn;
        int evaluated;
        int fullEvaluated;
        double progressFrom = 0.55;
        double progressTo = 0.9;
        long extractNanos;
        long scoreNanos;

        Evaluation(FeatureSnapshot snapshot, Instant splitAt, int split, Map<String, Map<String, Float>> positives,
                long[] popularity, Rows test) {
            this.snapshot = snapshot;
            this.splitAt = splitAt;
            this.positives = positives;
            this.popularity = popularity;
            this.test = test;
            for (Event e : events.subList(0, split)) {
                Float w = WEIGHTS.get(e.type());
                Integer at = w == null || e.itemId() == null ? null : itemIndex.get(e.itemId());
                if (at != null) {
                    userWeights.computeIfAbsent(e.userId(), u -> new LinkedHashMap<>()).merge(at, (double) w,
                            Double::sum);
                }
            }
            int[][] userItems = userWeights.values().stream()
                    .map(m -> m.keySet().stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
            this.knn = new Baselines.ItemKnn(userItems, itemIds.length, KNN_NEIGHBOURS);
        }

        void addModel(String name, OnnxModel model, int historyLimit) {
            models.add(new Contender(name, model, historyLimit));
        }

        /** Every baseline's score of every catalogue item for a user, in the order popularity, kNN, buy again. */
        private double[][] baselineScores(String user) {
            Map<Integer, Double> own = userWeights.getOrDefault(user, Map.of());
            double[] weights = new double[itemIds.length];
            own.forEach((i, w) -> weights[i] = w);
            int[] history = own.keySet().stream().mapToInt(Integer::intValue).toArray();
            return new double[][] {Baselines.popularity(popularity), knn.scores(history),
                Baselines.buyAgain(weights, popularity), ials.model().scores(ials.user(user))};
        }

        private final List<String> baselineNames = BASELINES;

        Map<String, Map<String, Double>> run(SplittableRandom random) {
            Map<String, Map<String, Double>> out = new LinkedHashMap<>();
            boolean[] labels = toBooleans(test.y());
            for (Contender c : models) {
                double[] p = c.model().score(c.historyLimit() == settings.historyLimit() ? test.x()
                        : reextract(c.historyLimit()));
                Map<String, Double> m = new LinkedHashMap<>();
                m.put(AUC, Metrics.auc(p, labels));
                m.put(LOGLOSS, Metrics.logLoss(p, labels));
                m.put(ECE, Metrics.ece(p, labels, ECE_BINS));
                out.put(c.name(), m);
            }
            // Baselines are rankers, not probabilities: AUC only.
            double[][] rowScores = new double[baselineNames.size()][test.users().size()];
            String current = null;
            double[][] scores = null;
            for (int r = 0; r < test.users().size(); r++) {
                if (!test.users().get(r).equals(current)) {
                    current = test.users().get(r);
                    scores = baselineScores(current);
                }
                int item = itemIndex.get(test.items().get(r));
                for (int b = 0; b < baselineNames.size(); b++) {
                    rowScores[b][r] = scores[b][item];
                }
            }
            for (int b = 0; b < baselineNames.size(); b++) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put(AUC, Metrics.auc(rowScores[b], labels));
                out.put(baselineNames.get(b), m);
            }
            long t = System.nanoTime();
            rank(random, out);
            LOG.debug("Ranking {} ms, of which full-ranking extraction {} ms and its ONNX scoring {} ms",
                    (System.nanoTime() - t) / 1_000_000, extractNanos / 1_000_000, scoreNanos / 1_000_000);
            return out;
        }

        /** The test rows again, with another history length (the live model's card may say another one). */
        private List<float[]> reextract(int limit) {
            List<float[]> out = new ArrayList<>(test.x().size());
            int r = 0;
            while (r < test.users().size()) {
                String user = test.users().get(r);
                int end = r;
                while (end < test.users().size() && test.users().get(end).equals(user)) {
                    end++;
                }
                out.addAll(Arrays.asList(extract(snapshot, history(user, splitAt, limit),
                        test.items().subList(r, end))));
                r = end;
            }
            return out;
        }

        /**
         * The pipeline's candidates for a user: the head reranked by the model's scores (ties in fused order, as
         * the recommender sorts), and in fused order; a list shorter than K shows fewer items, nothing is padded.
         * Adds hit, NDCG of both and the share of the user's positives among the candidates to {@code sums}.
         */
        private void rankPipeline(String user, double[] modelScores, int[] positiveIndices, double[] sums) {
            List<String> ids = pipeline.candidates(user);
            List<Integer> fused = new ArrayList<>(ids.size());
            Set<Integer> seen = new HashSet<>();
            for (String id : ids) {
                Integer i = itemIndex.get(id);
                if (i != null && seen.add(i)) {
                    fused.add(i);
                }
            }
            List<Integer> reranked = new ArrayList<>(fused);
            // Stable sort: equal scores keep the fused order.
            reranked.sort(Comparator.comparingDouble((Integer i) -> modelScores[i]).reversed());
            double[] a = Metrics.listHitAndNdcg(reranked, positiveIndices, K);
            double[] b = Metrics.listHitAndNdcg(fused, positiveIndices, K);
            sums[0] += a[0];
            sums[1] += a[1];
            sums[2] += b[0];
            sums[3] += b[1];
            long found = Arrays.stream(positiveIndices).filter(seen::contains).count();
            sums[4] += positiveIndices.length == 0 ? 0 : found / (double) positiveIndices.length;
        }

        /**
         * HR@10 and NDCG@10, sampled (He et al. 2017: each test positive among the same 100 items the user did
         * not touch in the test period) and full (every catalogue item ranked; items the user touched before
         * stay in, so repeat purchases count). Averaged per user, then over users.
         */
        private void rank(SplittableRandom random, Map<String, Map<String, Double>> out) {
            List<String> users = new ArrayList<>(positives.keySet());
            for (int i = 0; i < users.size(); i++) {
                int j = i + random.nextInt(users.size() - i);
                String t = users.get(j);
                users.set(j, users.get(i));
                users.set(i, t);
            }
            users = users.subList(0, Math.min(MAX_EVAL_USERS, users.size()));
            List<String> names = new ArrayList<>();
            models.forEach(c -> names.add(c.name()));
            names.addAll(baselineNames);
            int contenders = names.size();
            double[][] sums = new double[contenders][4];
            double[] pipelineSums = new double[5];
            List<String> catalogue = Arrays.asList(itemIds);
            for (int u = 0; u < users.size(); u++) {
                if (u % 50 == 0) {
                    progress.update("evaluation", progressFrom + (progressTo - progressFrom) * u / users.size());
                }
                String user = users.get(u);
                Set<String> pos = positives.get(user).keySet();
                List<String> negatives = sampleNegatives(pos, EVAL_NEGATIVES, random);
                if (negatives.isEmpty()) {
                    continue;
                }
                List<String> ids = new ArrayList<>(pos);
                ids.addAll(negatives);
                int p = pos.size();
                double[][] sampled = new double[contenders][];
                Map<Integer, List<float[]>> rows = new HashMap<>();
                for (int c = 0; c < models.size(); c++) {
                    Contender m = models.get(c);
                    sampled[c] = m.model().score(rows.computeIfAbsent(m.historyLimit(),
                            l -> Arrays.asList(extract(snapshot, history(user, splitAt, l), ids))));
                }
                double[][] base = baselineScores(user);
                for (int b = 0; b < base.length; b++) {
                    double[] s = new double[ids.size()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = base[b][itemIndex.get(ids.get(i))];
                    }
                    sampled[models.size() + b] = s;
                }
                long userSeed = settings.seed() * 1_000_003L + u;
                for (int c = 0; c < contenders; c++) {
                    // The same tie-breaking stream for every contender of this user.
                    SplittableRandom ties = new SplittableRandom(userSeed);
                    double[] neg = Arrays.copyOfRange(sampled[c], p, ids.size());
                    double hr = 0;
                    double ndcg = 0;
                    for (int i = 0; i < p; i++) {
                        double[] hn = Metrics.hitAndNdcg(sampled[c][i], neg, K, ties);
                        hr += hn[0];
                        ndcg += hn[1];
                    }
                    sums[c][0] += hr / p;
                    sums[c][1] += ndcg / p;
                }
                evaluated++;

                if (fullEvaluated >= MAX_FULL_RANK_USERS) {
                    continue;
                }
                double[][] full = new double[contenders][];
                Map<Integer, List<float[]>> allRows = new HashMap<>();
                for (int c = 0; c < models.size(); c++) {
                    Contender m = models.get(c);
                    long a = System.nanoTime();
                    List<float[]> x = allRows.computeIfAbsent(m.historyLimit(),
                            l -> Arrays.asList(extract(snapshot, history(user, splitAt, l), catalogue)));
                    long b = System.nanoTime();
                    full[c] = m.model().score(x);
                    extractNanos += b - a;
                    scoreNanos += System.nanoTime() - b;
                }
                System.arraycopy(base, 0, full, models.size(), base.length);
                SplittableRandom keys = new SplittableRandom(userSeed);
                double[] tieKeys = new double[itemIds.length];
                for (int i = 0; i < tieKeys.length; i++) {
                    tieKeys[i] = keys.nextDouble();
                }
                int[] positiveIndices = pos.stream().mapToInt(itemIndex::get).toArray();
                for (int c = 0; c < contenders; c++) {
                    double[] hn = Metrics.fullHitAndNdcg(full[c], tieKeys, positiveIndices, K);
                    sums[c][2] += hn[0];
                    sums[c][3] += hn[1];
                }
                if (pipeline != null) {
                    rankPipeline(user, full[0], positiveIndices, pipelineSums);
                }
                fullEvaluated++;
            }
            if (pipeline != null) {
                Map<String, Double> reranked = new LinkedHashMap<>();
                Map<String, Double> fused = new LinkedHashMap<>();
                double n = fullEvaluated == 0 ? Double.NaN : fullEvaluated;
                reranked.put(HR_FULL, pipelineSums[0] / n);
                reranked.put(NDCG_FULL, pipelineSums[1] / n);
                reranked.put(CANDIDATE_RECALL, pipelineSums[4] / n);
                fused.put(HR_FULL, pipelineSums[2] / n);
                fused.put(NDCG_FULL, pipelineSums[3] / n);
                fused.put(CANDIDATE_RECALL, pipelineSums[4] / n);
                out.put(PIPELINE, reranked);
                out.put(FUSED, fused);
            }
            for (int c = 0; c < contenders; c++) {
                Map<String, Double> m = out.get(names.get(c));
                m.put(HR, evaluated == 0 ? Double.NaN : sums[c][0] / evaluated);
                m.put(NDCG, evaluated == 0 ? Double.NaN : sums[c][1] / evaluated);
                m.put(HR_FULL, fullEvaluated == 0 ? Double.NaN : sums[c][2] / fullEvaluated);
                m.put(NDCG_FULL, fullEvaluated == 0 ? Double.NaN : sums[c][3] / fullEvaluated);
            }
        }
    }
}
