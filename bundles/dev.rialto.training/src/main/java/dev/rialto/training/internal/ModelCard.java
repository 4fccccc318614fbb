package dev.rialto.training.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@code model.json} as docs/model-card.md defines it. */
final class ModelCard {
    private ModelCard() {
    }

    static Map<String, Object> of(Settings s, String version, Instant created, TrainingRun.Outcome o) {
        return of(s, version, created, o, false);
    }

    /** @param indexed whether model.onnx is the {@link IndexedGraph} of the exported ranker */
    static Map<String, Object> of(Settings s, String version, Instant created, TrainingRun.Outcome o,
            boolean indexed) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("name", s.modelName());
        card.put("version", version);
        card.put("createdAt", created.toString());
        card.put("framework", Settings.FM.equals(s.ranker()) ? TrainerComponent.FRAMEWORK_FM
                : TrainerComponent.FRAMEWORK);

        Map<String, Object> signature = signature(o.onnxFeatures(), o.labelCount(), o.positiveIndex());
        if (indexed) {
            // The inputs the scorer feeds; the row they assemble is the trained graph's input, named by features.
            signature.put("layout", IndexedGraph.LAYOUT);
            signature.put("features", o.onnxFeatures());
            signature.put("inputs", IndexedGraph.cardInputs());
        }
        card.put("signature", signature);

        Map<String, Object> training = training(o.from(), o.to(), o.cutoff(), o.splitAt(), o.trainRows(),
                o.testRows());
        training.put("events", o.events());
        training.put("evalUsers", o.evalUsers());
        training.put("fitOn", "train rows only: labels from [cutoff, splitAt), features from events before cutoff;"
                + " the test period [splitAt, to] is never fitted on");
        training.put("labels", "1 = view, click, add_to_cart or purchase of the item in the label period, weighted by"
                + " the strongest event (view/click 1, add_to_cart 2, purchase 3); 0 = sampled negative, weight 1");
        training.put("negatives", s.negativesPerPositive() + " per positive, uniform over catalogue items the user"
                + " did not touch in the label period");
        training.put("evaluation", "auc and logloss on test rows; hr@10 and ndcg@10: each test positive ranked among"
                + " the same " + TrainingRun.EVAL_NEGATIVES + " sampled items the user did not touch in the test"
                + " period (He et al. 2017), averaged per user then over users; hr@10.full and ndcg@10.full rank the"
                + " whole catalogue; ece in 10 bins; baselines popularity, item-knn and buy-again (events before"
                + " splitAt) on the same rows and candidates; scored through ONNX Runtime");
        training.put("trainer", (Settings.FM.equals(s.ranker())
                ? "FMClassificationTrainer(LogMulticlass, AdaGrad(" + TrainingRun.FM_LEARNING_RATE + ", 0.1), factors="
                        + s.fmFactors() + ", variance=0.1)"
                : "LinearSGDTrainer(LogMulticlass, AdaGrad(1.0, 0.1))") + ", epochs=" + s.epochs()
                + ", seed=" + s.seed());
        return finish(card, training, s.historyLimit(), o.metrics(), o.baselines());
    }

    private static Map<String, Object> finish(Map<String, Object> card, Map<String, Object> training, int historyLimit,
            Map<String, Double> metrics, Map<String, Double> baselines) {
        training.put("historyLimit", historyLimit);
        card.put("training", training);
        card.put("metrics", finite(metrics));
        card.put("baselines", finite(baselines));
        return card;
    }

    /** The card of the ad click model (pCTR of a creative for a user). */
    static Map<String, Object> ofAds(Settings s, String name, String version, Instant created, AdClickRun.Outcome o) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("name", name);
        card.put("version", version);
        card.put("createdAt", created.toString());
        card.put("framework", TrainerComponent.FRAMEWORK);
        card.put("signature", signature(o.onnxFeatures(), o.labelCount(), o.positiveIndex()));
        Map<String, Object> training = training(o.from(), o.to(), o.cutoff(), o.splitAt(), o.trainRows(),
                o.testRows());
        training.put("trainClicks", o.trainClicks());
        training.put("testClicks", o.testClicks());
        training.put("events", o.events());
        training.put("fitOn", "ad impressions in [cutoff, splitAt), creative and campaign statistics from events"
                + " before cutoff, user features from the user's events before each impression; the test period"
                + " [splitAt, to] is never fitted on");
        training.put("labels", "1 = the impression's decision was clicked (ad_click event), 0 = not; every"
                + " impression is a row of weight 1, no sampling, so the probabilities are calibrated");
        training.put("evaluation", "auc, logloss and ece on the test impressions, scored through ONNX Runtime;"
                + " baseline historical = the creative's smoothed CTR (the engine's pCTR without a model)");
        training.put("unused", "slot, device, country and hour of day: impression events do not record them");
        training.put("trainer", "LinearSGDTrainer(LogMulticlass, AdaGrad(" + AdClickRun.LEARNING_RATE + ", 0.1)),"
                + " epochs=" + s.epochs() + ", seed=" + s.seed());
        return finish(card, training, s.adsHistoryLimit(), o.metrics(), o.baselines());
    }

    /** One dense float input in the ONNX column order (the model's feature ids), one softmax output. */
    private static Map<String, Object> signature(List<String> onnxFeatures, int labelCount, int positiveIndex) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", "input");
        input.put("type", "float32");
        input.put("shape", List.of(-1, onnxFeatures.size()));
        // ONNX column order = the model's feature ids, not the extractor's order.
        input.put("features", onnxFeatures);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("name", "output");
        output.put("type", "float32");
        output.put("shape", List.of(-1, labelCount));
        output.put("positiveIndex", positiveIndex);
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("inputs", List.of(input));
        signature.put("outputs", List.of(output));
        return signature;
    }

    private static Map<String, Object> training(Instant from, Instant to, Instant cutoff, Instant splitAt,
            long trainRows, long testRows) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("from", from.toString());
        training.put("to", to.toString());
        training.put("cutoff", cutoff.toString());
        training.put("splitAt", splitAt.toString());
        training.put("trainRows", trainRows);
        training.put("testRows", testRows);
        return training;
    }

    /** JSON has no NaN: an undefined metric is left out. */
    static Map<String, Double> finite(Map<String, Double> in) {
        Map<String, Double> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
