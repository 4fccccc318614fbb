package dev.rialto.training.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Offline evaluation metrics. */
final class Metrics {
    /** Keeps log loss finite for a confident wrong answer. */
    private static final double EPS = 1e-15;

    private Metrics() {
    }

    /**
     * Area under the ROC curve by the rank-sum (Mann-Whitney) statistic; tied scores share their mean rank.
     *
     * @return NaN when either class is absent
     */
    static double auc(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double meanRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPos += meanRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Mean binary cross-entropy of probabilities against labels. */
    static double logLoss(double[] p, boolean[] positive) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
            sum -= positive[i] ? Math.log(q) : Math.log(1 - q);
        }
        return p.length == 0 ? Double.NaN : sum / p.length;
    }

    /**
     * Hit and NDCG at k of one held-out positive ranked among sampled negatives, the protocol of He et al. (2017,
     * "Neural Collaborative Filtering"). Negatives that tie with the positive are placed before or after it at
     * random, so a constant scorer gets the chance level and not a perfect score.
     *
     * @return {hit (0 or 1), ndcg}
     */
    static double[] hitAndNdcg(double positive, double[] negatives, int k, SplittableRandom random) {
        int greater = 0;
        int ties = 0;
        for (double n : negatives) {
            if (n > positive) {
                greater++;
            } else if (n == positive) {
                ties++;
            }
        }
        int rank = greater + (ties == 0 ? 0 : random.nextInt(ties + 1));
        return rank < k ? new double[] {1, 1 / log2(rank + 2)} : new double[] {0, 0};
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
