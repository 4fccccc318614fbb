package dev.rialto.training.internal;

import java.nio.file.Path;
import java.util.Set;

/**
 * The validated configuration of the trainer.
 *
 * @param modelsDir            the models folder (already resolved from {@code karaf.home} when configured empty)
 * @param modelName            the model's name, its folder under the models folder
 * @param minEvents            fewer events than this: SKIPPED
 * @param negativesPerPositive sampled negatives per positive row
 * @param testFraction         share of events (by count, in time order) held out as the test period
 * @param seed                 seed of sampling and of SGD
 * @param epochs               SGD epochs
 * @param promoteMetric        the metric the promotion gate compares
 * @param historyLimit         how many of a user's latest events the extractor sees, as at serving time
 * @param behaviour            the behaviour embeddings (iALS): name, hyper-parameters, event weights
 * @param ranker               {@value #LOGISTIC} (Tribuo logistic regression) or {@value #FM} (Tribuo
 *                             factorisation machine over the same features)
 * @param fmFactors            length of the factorisation machine's pairwise factors
 * @param historyNegatives     share of a training user's negatives drawn from the items they touched before the
 *                             label period but not in it (hard negatives: which of their items they do not come
 *                             back to); the rest is uniform over the catalogue. In [0, 1]
 * @param adsHistoryLimit      how many of a user's latest events the ad click model's features see (its own: the
 *                             ranker's long history would make every ad decision featurise it)
 */
public record Settings(Path modelsDir, String modelName, int minEvents, int negativesPerPositive, double testFraction,
        long seed, int epochs, String promoteMetric, int historyLimit, Behaviour.Config behaviour, String ranker,
        int fmFactors, double historyNegatives, int adsHistoryLimit) {

    /** The ad click model's history length when none is given (the trainer's history.limit before 2026-12-07). */
    public static final int ADS_HISTORY_LIMIT = 100;

    public static final String LOGISTIC = "logistic";
    public static final String FM = "fm";

    /** Metrics the trainer computes, so the ones the gate can compare. */
    public static final Set<String> METRICS = Set.of(TrainingRun.AUC, TrainingRun.LOGLOSS, TrainingRun.HR,
            TrainingRun.NDCG, TrainingRun.HR_FULL, TrainingRun.NDCG_FULL);
    /** What a model name may be: it is a folder name. */
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*";

    public Settings {
        if (modelsDir == null) {
            throw new IllegalArgumentException("models.dir must be set (or karaf.home must be defined)");
        }
        if (modelName == null || !modelName.matches(NAME)) {
            throw new IllegalArgumentException("model.name must be letters, digits, '_', '.' or '-', was '"
                    + modelName + "'");
        }
        if (minEvents < 1) {
            throw new IllegalArgumentException("min.events must be at least 1, was " + minEvents);
        }
        if (negativesPerPositive < 1) {
            throw new IllegalArgumentException("negatives.per.positive must be at least 1, was "
                    + negativesPerPositive);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test.fraction must be strictly between 0 and 1, was " + testFraction);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
        }
        if (promoteMetric == null || !METRICS.contains(promoteMetric.strip())) {
            throw new IllegalArgumentException("promote.metric must be one of " + METRICS.stream().sorted().toList()
                    + ", was '" + promoteMetric + "'");
        }
        promoteMetric = promoteMetric.strip();
        if (historyLimit < 1) {
            throw new IllegalArgumentException("history.limit must be at least 1, was " + historyLimit);
        }
        if (adsHistoryLimit < 1) {
            throw new IllegalArgumentException("ads.history.limit must be at least 1, was " + adsHistoryLimit);
        }
        ranker = ranker == null ? LOGISTIC : ranker.strip();
        if (!LOGISTIC.equals(ranker) && !FM.equals(ranker)) {
            throw new IllegalArgumentException("ranker must be '" + LOGISTIC + "' or '" + FM + "', was '" + ranker
                    + "'");
        }
        if (fmFactors < 1) {
            throw new IllegalArgumentException("fm.factors must be at least 1, was " + fmFactors);
        }
        if (!(historyNegatives >= 0 && historyNegatives <= 1)) {
            throw new IllegalArgumentException("negatives.history.share must be in [0, 1], was " + historyNegatives);
        }
        if (behaviour == null) {
            behaviour = Behaviour.Config.defaults();
        }
        if (behaviour.modelName().equals(modelName)) {
            throw new IllegalArgumentException("behaviour.model.name must differ from model.name ('" + modelName
                    + "')");
        }
    }

    /** The ad click model's default history length. */
    public Settings(Path modelsDir, String modelName, int minEvents, int negativesPerPositive, double testFraction,
            long seed, int epochs, String promoteMetric, int historyLimit, Behaviour.Config behaviour, String ranker,
            int fmFactors, double historyNegatives) {
        this(modelsDir, modelName, minEvents, negativesPerPositive, testFraction, seed, epochs, promoteMetric,
                historyLimit, behaviour, ranker, fmFactors, historyNegatives, ADS_HISTORY_LIMIT);
    }

    /** Uniform negatives only. */
    public Settings(Path modelsDir, String modelName, int minEvents, int negativesPerPositive, double testFraction,
            long seed, int epochs, String promoteMetric, int historyLimit, Behaviour.Config behaviour, String ranker,
            int fmFactors) {
        this(modelsDir, modelName, minEvents, negativesPerPositive, testFraction, seed, epochs, promoteMetric,
                historyLimit, behaviour, ranker, fmFactors, 0);
    }

    /** The logistic-regression ranker. */
    public Settings(Path modelsDir, String modelName, int minEvents, int negativesPerPositive, double testFraction,
            long seed, int epochs, String promoteMetric, int historyLimit, Behaviour.Config behaviour) {
        this(modelsDir, modelName, minEvents, negativesPerPositive, testFraction, seed, epochs, promoteMetric,
                historyLimit, behaviour, LOGISTIC, 8);
    }

    /** With the default behaviour model. */
    public Settings(Path modelsDir, String modelName, int minEvents, int negativesPerPositive, double testFraction,
            long seed, int epochs, String promoteMetric, int historyLimit) {
        this(modelsDir, modelName, minEvents, negativesPerPositive, testFraction, seed, epochs, promoteMetric,
                historyLimit, null);
    }

    /** Whether a larger value of the metric is better (log loss is the one where lower wins). */
    public boolean higherIsBetter() {
        return !TrainingRun.LOGLOSS.equals(promoteMetric);
    }
}
