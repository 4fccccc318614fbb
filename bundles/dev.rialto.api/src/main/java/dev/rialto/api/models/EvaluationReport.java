package dev.rialto.api.models;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kept report of one training run: the metrics of every contender measured on the same held-out split.
 *
 * <p>Contenders are {@link #MODEL} (the model trained in this run), {@link #LIVE} (the model served now, scored
 * again on this split when it can be), and the baselines {@link #POPULARITY}, {@link #ITEM_KNN} and
 * {@link #BUY_AGAIN}. Metric names: {@code auc}, {@code logloss}, {@code ece}, {@code hr@10}, {@code ndcg@10}
 * (sampled protocol, 100 negatives), {@code hr@10.full}, {@code ndcg@10.full} (ranking the whole catalogue).
 *
 * @param modelName      the model trained
 * @param startedAt      when the run started; identifies the report
 * @param finishedAt     when it ended
 * @param status         the run's outcome
 * @param version        the version written, or null when nothing was written
 * @param liveVersion    the live version compared with, or null when there was none
 * @param liveSource     how the live model's numbers were obtained: {@link #LIVE_MEASURED}, {@link #LIVE_CARD}
 *                       (it could not be scored; the numbers of its card, from another split), or null
 * @param promoteMetric  the metric the promotion gate compares
 * @param winner         the contender with the best {@code promoteMetric}, or null when none was measured
 * @param results        contender -> metric -> value; undefined values are left out
 * @param dataFrom       the oldest event used, or null
 * @param cutoff         start of the training label period, or null
 * @param splitAt        start of the test period, or null
 * @param dataTo         the newest event used, or null
 * @param events         events read
 * @param trainRows      training rows
 * @param testRows       test rows
 * @param evalUsers      users evaluated by the sampled protocol
 * @param fullRankUsers  users evaluated by full ranking
 * @param message        a sentence for a person: why it was promoted, rejected, skipped or failed
 */
public record EvaluationReport(String modelName, Instant startedAt, Instant finishedAt, TrainingReport.Status status,
        String version, String liveVersion, String liveSource, String promoteMetric, String winner,
        Map<String, Map<String, Double>> results, Instant dataFrom, Instant cutoff, Instant splitAt, Instant dataTo,
        long events, long trainRows, long testRows, int evalUsers, int fullRankUsers, String message) {

    public static final String MODEL = "model";
    public static final String LIVE = "live";
    public static final String POPULARITY = "popularity";
    public static final String ITEM_KNN = "item-knn";
    public static final String BUY_AGAIN = "buy-again";
    /** The live model was scored again on this run's split. */
    public static final String LIVE_MEASURED = "measured";
    /** The live model could not be scored; its numbers come from its card (another split). */
    public static final String LIVE_CARD = "card";

    public EvaluationReport {
        Require.nonBlank(modelName, "modelName");
        Require.nonNull(startedAt, "startedAt");
        Require.nonNull(finishedAt, "finishedAt");
        Require.nonNull(status, "status");
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        if (results != null) {
            results.forEach((k, v) -> copy.put(k, v == null ? Map.of() : java.util.Collections.unmodifiableMap(
                    new LinkedHashMap<>(v))));
        }
        results = java.util.Collections.unmodifiableMap(copy);
        message = message == null ? "" : message;
    }

    /** The value of a contender's metric, or null when it was not measured. */
    public Double value(String contender, String metric) {
        Map<String, Double> m = results.get(contender);
        return m == null ? null : m.get(metric);
    }
}
