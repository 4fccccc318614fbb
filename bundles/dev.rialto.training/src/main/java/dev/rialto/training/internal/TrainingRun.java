package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
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
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
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
    public static final String LOGLOSS = "logloss";
    public static final String HR = "hr@10";
    public static final String NDCG = "ndcg@10";
    public static final String POSITIVE = "1";
    public static final String NEGATIVE = "0";
    static final String POPULARITY = "popularity.";

    /** The He et al. (2017) protocol: each user's test positives ranked among 100 sampled negatives. */
    static final int EVAL_NEGATIVES = 100;
    static final int K = 10;
    /** Bounds evaluation cost on large stores; users are sampled with the run's seed. */
    static final int MAX_EVAL_USERS = 5000;
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
    public record Outcome(LinearSGDModel model, List<String> onnxFeatures, int positiveIndex, int labelCount,
            Map<String, Double> metrics, Map<String, Double> baselines, long trainRows, long testRows, long events,
            Instant from, Instant to, Instant cutoff, Instant splitAt, int evalUsers, List<String> extractorFeatures,
            List<float[]> sampleRows) {
    }

    private record Rows(List<float[]> x, List<Boolean> y, List<Float> w, List<String> items) {
        Rows() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
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

    /**
     * @param events every stored event; sorted here by time (stable) in case a store returns them out of order
     */
    public TrainingRun(Settings settings, FeatureExtractor extractor, Map<String, Item> items, List<Event> events) {
        this.settings = settings;
        this.extractor = extractor;
        this.items = items;
        this.events = new ArrayList<>(events);
        this.events.sort(Comparator.comparing(Event::timestamp));
        this.itemIds = items.keySet().stream().sorted().toArray(String[]::new);
        for (int i = 0; i < itemIds.length; i++) {
            itemIndex.put(itemIds[i], i);
        }
        this.features = List.copyOf(extractor.featureNames());
        if (features.isEmpty() || new HashSet<>(features).size() != features.size()) {
            throw new IllegalStateException("the FeatureExtractor must name at least one feature, each once; it named "
                    + features);
        }
        this.featureArray = features.toArray(String[]::new);
        for (Event e : this.events) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
    }

    public Outcome run() {
        int n = events.size();
        if (itemIds.length < 2) {
            throw new NotEnoughData("the catalogue has " + itemIds.length + " items; at least 2 are needed");
        }
        int split = quantileIndex(n, 1 - settings.testFraction());
        int cut = quantileIndex(split, 1 - settings.testFraction());
        if (split <= 0 || split >= n || cut <= 0 || cut >= split) {
            throw new NotEnoughData("the events' timestamps do not allow a train / test split by time");
        }
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

        FeatureSnapshot trainSnapshot = extractor.snapshot(items, events.subList(0, cut));
        Rows train = rows(trainSnapshot, cutoff, trainPositives, random);
        FeatureSnapshot testSnapshot = extractor.snapshot(items, events.subList(0, split));
        Rows test = rows(testSnapshot, splitAt, testPositives, random);
        if (!train.y().contains(Boolean.FALSE)) {
            throw new NotEnoughData("no negatives could be sampled: every item was touched");
        }
        long t1 = System.nanoTime();

        LinearSGDModel model = fit(train);
        long t2 = System.nanoTime();
        ImmutableFeatureMap featureMap = model.getFeatureIDMap();
        List<String> onnxFeatures = new ArrayList<>(featureMap.size());
        for (int id = 0; id < featureMap.size(); id++) {
            onnxFeatures.add(featureMap.get(id).getName());
        }
        int positiveIndex = model.getOutputIDInfo().getID(new Label(POSITIVE));
        if (positiveIndex < 0) {
            throw new IllegalStateException("the model has no label \"1\"");
        }

        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Double> baselines = new LinkedHashMap<>();
        long[] popularity = popularity(split);
        boolean[] testLabels = toBooleans(test.y());
        double[] p = predict(model, test.x());
        metrics.put(AUC, Metrics.auc(p, testLabels));
        metrics.put(LOGLOSS, Metrics.logLoss(p, testLabels));
        int evalUsers = rank(model, testSnapshot, splitAt, testPositives, popularity, random, metrics, baselines);
        double[] popularityOfRows = new double[test.items().size()];
        for (int i = 0; i < popularityOfRows.length; i++) {
            popularityOfRows[i] = popularity[itemIndex.get(test.items().get(i))];
        }
        baselines.put(POPULARITY + AUC, Metrics.auc(popularityOfRows, testLabels));
        long t3 = System.nanoTime();
        LOG.debug("Model {}: dataset {} ms, fit {} ms, evaluation {} ms", settings.modelName(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

        List<float[]> sample = List.copyOf(test.x().subList(0, Math.min(SAMPLE_ROWS, test.x().size())));
        return new Outcome(model, List.copyOf(onnxFeatures), positiveIndex, model.getOutputIDInfo().size(),
                metrics, baselines, train.x().size(), test.x().size(), n, events.get(0).timestamp(),
                events.get(n - 1).timestamp(), cutoff, splitAt, evalUsers, features, sample);
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
    private List<Event> history(String user, Instant before) {
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
        List<Event> out = new ArrayList<>(Math.min(end, settings.historyLimit()));
        for (int i = end - 1; i >= 0 && out.size() < settings.historyLimit(); i--) {
            out.add(all.get(i));
        }
        return out;
    }

    private Rows rows(FeatureSnapshot snapshot, Instant before, Map<String, Map<String, Float>> positives,
            SplittableRandom random) {
        Rows rows = new Rows();
        for (Map.Entry<String, Map<String, Float>> user : positives.entrySet()) {
            Map<String, Float> pos = user.getValue();
            List<String> negatives = sampleNegatives(pos.keySet(), pos.size() * settings.negativesPerPositive(),
                    random);
            List<String> ids = new ArrayList<>(pos.keySet());
            ids.addAll(negatives);
            float[][] x = extract(snapshot, history(user.getKey(), before), ids);
            for (int i = 0; i < ids.size(); i++) {
                boolean positive = i < pos.size();
                rows.x().add(x[i]);
                rows.y().add(positive);
                rows.w().add(positive ? pos.get(ids.get(i)) : 1f);
                rows.items().add(ids.get(i));
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

    private LinearSGDModel fit(Rows train) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("rialto events",
                OffsetDateTime.now(ZoneOffset.UTC), factory), factory);
        Label yes = new Label(POSITIVE);
        Label no = new Label(NEGATIVE);
        for (int i = 0; i < train.x().size(); i++) {
            dataset.add(example(train.y().get(i) ? yes : no, train.w().get(i), train.x().get(i)));
        }
        // Exactly LogisticRegressionTrainer (LogMulticlass, AdaGrad(1.0, 0.1), minibatch 1), with configurable
        // epochs and seed; -1 turns off Tribuo's per-iteration logging.
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1),
                settings.epochs(), -1, 1, settings.seed());
        return trainer.train(dataset);
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
    double[] predict(LinearSGDModel model, List<float[]> x) {
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

    /**
     * HR@10 and NDCG@10 of the model and of popularity on the same candidates, the protocol of He et al. (2017):
     * each test positive of an evaluated user is ranked among the same 100 items sampled uniformly from those
     * the user did not touch in the test period. Averaged per user, then over users, so heavy users do not
     * dominate.
     *
     * @return the number of users evaluated
     */
    private int rank(LinearSGDModel model, FeatureSnapshot snapshot, Instant splitAt,
            Map<String, Map<String, Float>> positives, long[] popularity, SplittableRandom random,
            Map<String, Double> metrics, Map<String, Double> baselines) {
        List<String> users = new ArrayList<>(positives.keySet());
        if (users.size() > MAX_EVAL_USERS) {
            for (int i = 0; i < MAX_EVAL_USERS; i++) {
                int j = i + random.nextInt(users.size() - i);
                String t = users.get(j);
                users.set(j, users.get(i));
                users.set(i, t);
            }
            users = new ArrayList<>(users.subList(0, MAX_EVAL_USERS));
        }
        double[] sums = new double[4];
        int evaluated = 0;
        for (String user : users) {
            Set<String> pos = positives.get(user).keySet();
            List<String> negatives = sampleNegatives(pos, EVAL_NEGATIVES, random);
            if (negatives.isEmpty()) {
                continue;
            }
            List<String> ids = new ArrayList<>(pos);
            ids.addAll(negatives);
            double[] modelScores = predict(model, Arrays.asList(extract(snapshot, history(user, splitAt), ids)));
            double[] popScores = new double[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                popScores[i] = popularity[itemIndex.get(ids.get(i))];
            }
            int p = pos.size();
            double[] modelNeg = Arrays.copyOfRange(modelScores, p, ids.size());
            double[] popNeg = Arrays.copyOfRange(popScores, p, ids.size());
            double[] user4 = new double[4];
            for (int i = 0; i < p; i++) {
                double[] m = Metrics.hitAndNdcg(modelScores[i], modelNeg, K, random);
                double[] b = Metrics.hitAndNdcg(popScores[i], popNeg, K, random);
                user4[0] += m[0];
                user4[1] += m[1];
                user4[2] += b[0];
                user4[3] += b[1];
            }
            for (int i = 0; i < 4; i++) {
                sums[i] += user4[i] / p;
            }
            evaluated++;
        }
        int u = Math.max(1, evaluated);
        metrics.put(HR, evaluated == 0 ? Double.NaN : sums[0] / u);
        metrics.put(NDCG, evaluated == 0 ? Double.NaN : sums[1] / u);
        baselines.put(POPULARITY + HR, evaluated == 0 ? Double.NaN : sums[2] / u);
        baselines.put(POPULARITY + NDCG, evaluated == 0 ? Double.NaN : sums[3] / u);
        return evaluated;
    }

    private static boolean[] toBooleans(List<Boolean> list) {
        boolean[] out = new boolean[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
