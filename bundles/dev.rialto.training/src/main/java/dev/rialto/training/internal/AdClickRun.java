package dev.rialto.training.internal;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * One training run of the ad click model (pCTR): every ad impression is a row, labelled 1 when its decision was
 * clicked. The ads engine records an {@code impression} and an {@code ad_click} event per decision with the ids
 * {@code ad-<decision>-impression} and {@code ad-<decision>-ad_click}, and the creative and campaign in the event
 * context, so a click is matched to its impression by the decision.
 * <p>
 * Split by time as the ranker's run: impressions in {@code [cutoff, splitAt)} are the training rows, with creative
 * and campaign statistics from the events before the cutoff; impressions from {@code splitAt} on are the test rows,
 * with statistics from the events before the split. User features read the user's events before each impression
 * (at most history.limit, newest first), as the scorer reads them when it serves. The features are the
 * {@link FeatureExtractor}'s {@code ad_*} columns, so training and serving compute them with the same code.
 * <p>
 * The baseline is the historical CTR the engine uses without a model: the creative's smoothed CTR (shrunk towards
 * its campaign's), which is the {@code ad_creative_ctr} column itself.
 */
final class AdClickRun {
    static final String POSITIVE = "1";
    static final String NEGATIVE = "0";
    static final String HISTORICAL = "historical";
    static final String AUC = TrainingRun.AUC;
    static final String LOGLOSS = TrainingRun.LOGLOSS;
    /** The extractor's ad columns the model is trained on. */
    static final List<String> FEATURES = List.of("ad_creative_ctr", "ad_campaign_ctr", "ad_user_ctr",
            "ad_user_impressions", "ad_user_creative_seen", "ad_creative_impressions");
    /** Fewer impressions or clicks in a period: the run is skipped (no honest evaluation). */
    static final int MIN_IMPRESSIONS = 200;
    static final int MIN_CLICKS = 5;
    static final double LEARNING_RATE = 0.1;

    /**
     * What a run produced.
     *
     * @param onnxFeatures the ONNX input's columns in order ({@code getFeatureIDMap()} ids)
     * @param results      contender ({@code model}, {@code historical}, {@code live}) to metric
     */
    record Outcome(Model<Label> model, byte[] onnx, List<String> onnxFeatures, int positiveIndex, int labelCount,
            Map<String, Map<String, Double>> results, long trainRows, long testRows, long trainClicks,
            long testClicks, long events, Instant from, Instant to, Instant cutoff, Instant splitAt) {

        Map<String, Double> metrics() {
            return results.get(EvaluationReport.MODEL);
        }

        Map<String, Double> baselines() {
            Map<String, Double> out = new LinkedHashMap<>();
            results.forEach((contender, values) -> {
                if (!contender.equals(EvaluationReport.MODEL)) {
                    values.forEach((k, v) -> out.put(contender + "." + k, v));
                }
            });
            return out;
        }
    }

    private final Settings settings;
    private final FeatureExtractor extractor;
    private final List<Event> events;
    private final Map<String, List<Event>> byUser = new HashMap<>();
    private final LiveContender live;
    private TrainingRun.Progress progress = TrainingRun.Progress.NONE;

    AdClickRun(Settings settings, FeatureExtractor extractor, List<Event> events, LiveContender live) {
        this.settings = settings;
        this.extractor = extractor;
        this.events = new ArrayList<>(events);
        this.events.sort(Comparator.comparing(Event::timestamp).thenComparing(Event::id));
        for (Event e : this.events) {
            byUser.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e);
        }
        this.live = live;
        if (!extractor.featureNames().containsAll(FEATURES)) {
            throw new IllegalStateException("the FeatureExtractor does not compute the ad features " + FEATURES);
        }
    }

    AdClickRun progress(TrainingRun.Progress progress) {
        this.progress = progress == null ? TrainingRun.Progress.NONE : progress;
        return this;
    }

    /** The decision an ad event belongs to, from its id; null for an id not written by the ads engine. */
    static String decision(Event e) {
        String suffix = "-" + e.type().wireName();
        String id = e.id();
        return id.startsWith("ad-") && id.endsWith(suffix) && id.length() > 3 + suffix.length()
                ? id.substring(3, id.length() - suffix.length()) : null;
    }

    private record Rows(List<float[]> x, boolean[] y, long clicks) {
    }

    Outcome run() {
        List<Event> impressions = new ArrayList<>();
        Set<String> clicked = new HashSet<>();
        for (Event e : events) {
            if (e.context().creative() == null) {
                continue;
            }
            if (e.type() == EventType.IMPRESSION) {
                impressions.add(e);
            } else if (e.type() == EventType.AD_CLICK) {
                String d = decision(e);
                if (d != null) {
                    clicked.add(d);
                }
            }
        }
        int n = impressions.size();
        int split = (int) Math.floor(n * (1 - settings.testFraction()));
        int cut = (int) Math.floor(split * (1 - settings.testFraction()));
        if (n < 3 * MIN_IMPRESSIONS || cut <= 0 || split >= n) {
            throw new TrainingRun.NotEnoughData("only " + n + " ad impressions are stored; the ad click model needs"
                    + " at least " + 3 * MIN_IMPRESSIONS);
        }
        Instant cutoff = impressions.get(cut).timestamp();
        Instant splitAt = impressions.get(split).timestamp();
        if (!cutoff.isAfter(impressions.get(0).timestamp()) || !splitAt.isAfter(cutoff)) {
            throw new TrainingRun.NotEnoughData("the ad impressions' timestamps do not allow a split by time");
        }
        progress.update("dataset", 0.05);
        Rows train = rows(impressions, cutoff, splitAt, clicked);
        progress.update("dataset", 0.2);
        Rows test = rows(impressions, splitAt, null, clicked);
        if (train.x().size() < MIN_IMPRESSIONS || test.x().size() < MIN_IMPRESSIONS || train.clicks() < MIN_CLICKS
                || test.clicks() < MIN_CLICKS) {
            throw new TrainingRun.NotEnoughData("too few ad impressions or clicks for an honest split: train "
                    + train.x().size() + " rows with " + train.clicks() + " clicks, test " + test.x().size()
                    + " rows with " + test.clicks() + " clicks (at least " + MIN_IMPRESSIONS + " and " + MIN_CLICKS
                    + " each)");
        }
        progress.update("fit", 0.35);
        Model<Label> model = fit(train);
        List<String> onnxFeatures = TrainingRun.onnxFeatures(model);
        int positiveIndex = TrainingRun.positiveIndex(model);
        byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.rialto", 0).toByteArray();
        progress.update("evaluation", 0.7);
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        // Scored through ONNX Runtime, as the server will serve it.
        try (OnnxModel candidate = new OnnxModel(onnx, "input", onnxFeatures, "output", positiveIndex, FEATURES)) {
            results.put(EvaluationReport.MODEL, metrics(candidate.score(test.x()), test.y()));
        }
        double[] historical = new double[test.x().size()];
        int ctrColumn = FEATURES.indexOf("ad_creative_ctr");
        for (int i = 0; i < historical.length; i++) {
            // The column is logit(ctr) / 10.
            historical[i] = 1 / (1 + Math.exp(-10 * test.x().get(i)[ctrColumn]));
        }
        results.put(HISTORICAL, metrics(historical, test.y()));
        if (live != null) {
            try (OnnxModel liveModel = new OnnxModel(live.onnx(), live.input(), live.features(), live.output(),
                    live.positiveIndex(), FEATURES)) {
                results.put(EvaluationReport.LIVE, metrics(liveModel.score(test.x()),
                        test.y()));
            } catch (RuntimeException e) {
                // A live version this run cannot score (other features) is compared by its card instead.
                results.remove(EvaluationReport.LIVE);
            }
        }
        progress.update("evaluation", 0.9);
        return new Outcome(model, onnx, List.copyOf(onnxFeatures), positiveIndex, model.getOutputIDInfo().size(),
                results, train.x().size(), test.x().size(), train.clicks(), test.clicks(), events.size(),
                events.get(0).timestamp(), events.get(events.size() - 1).timestamp(), cutoff, splitAt);
    }

    private static Map<String, Double> metrics(double[] p, boolean[] y) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(AUC, Metrics.auc(p, y));
        out.put(LOGLOSS, Metrics.logLoss(p, y));
        out.put(TrainingRun.ECE, Metrics.ece(p, y, 10));
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        out.put("meanPrediction", p.length == 0 ? Double.NaN : sum / p.length);
        return out;
    }

    /** Impressions in [from, to) (to null: to the end), features against the events before {@code from}. */
    private Rows rows(List<Event> impressions, Instant from, Instant to, Set<String> clicked) {
        List<Event> before = new ArrayList<>();
        for (Event e : events) {
            if (!e.timestamp().isBefore(from)) {
                break;
            }
            before.add(e);
        }
        FeatureSnapshot snapshot = extractor.snapshot(Map.of(), before);
        List<float[]> x = new ArrayList<>();
        List<Boolean> y = new ArrayList<>();
        long clicks = 0;
        int f = FEATURES.size();
        FloatBuffer buffer = FloatBuffer.allocate(f);
        for (Event impression : impressions) {
            if (impression.timestamp().isBefore(from)) {
                continue;
            }
            if (to != null && !impression.timestamp().isBefore(to)) {
                break;
            }
            buffer.clear();
            extractor.extract(snapshot, history(impression), List.of(impression.context().creative()), FEATURES,
                    buffer);
            float[] row = new float[f];
            for (int j = 0; j < f; j++) {
                float v = buffer.get(j);
                row[j] = Float.isFinite(v) ? v : 0f;
            }
            x.add(row);
            String d = decision(impression);
            boolean click = d != null && clicked.contains(d);
            y.add(click);
            if (click) {
                clicks++;
            }
        }
        boolean[] labels = new boolean[y.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = y.get(i);
        }
        return new Rows(x, labels, clicks);
    }

    /** The user's events strictly before the impression, newest first, at most history.limit. */
    private List<Event> history(Event impression) {
        List<Event> all = byUser.getOrDefault(impression.userId(), List.of());
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).timestamp().isBefore(impression.timestamp())) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int limit = settings.adsHistoryLimit();
        List<Event> out = new ArrayList<>(Math.min(lo, limit));
        for (int i = lo - 1; i >= 0 && out.size() < limit; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    private Model<Label> fit(Rows train) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("rialto ad events",
                OffsetDateTime.now(ZoneOffset.UTC), factory), factory);
        Label yes = new Label(POSITIVE);
        Label no = new Label(NEGATIVE);
        for (int i = 0; i < train.x().size(); i++) {
            float[] row = train.x().get(i);
            ArrayExample<Label> example = new ArrayExample<>(train.y()[i] ? yes : no, 1f, FEATURES.size());
            for (int j = 0; j < row.length; j++) {
                example.add(FEATURES.get(j), row[j]);
            }
            dataset.add(example);
        }
        // Logistic regression (LogMulticlass, minibatch 1) as the ranker's, with a smaller AdaGrad step: clicks are
        // rare, and eCPM multiplies the bid by the probability, so calibration matters more than for ranking.
        // Every impression is a row of weight 1 (no negative sampling) for the same reason.
        return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(LEARNING_RATE, 0.1), settings.epochs(), -1, 1,
                settings.seed()).train(dataset);
    }
}
