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

    /**
     * HR and NDCG at k of a full ranking: every catalogue item is ranked by score (ties in the order of
     * {@code tieKeys}, larger first, so ties fall at random but the same way for every scorer of a user).
     * HR is 1 when at least one positive is in the top k; NDCG uses binary relevance, with the ideal DCG of
     * {@code min(|positives|, k)} hits.
     *
     * @param positives item indices of the positives (distinct)
     * @return {hit (0 or 1), ndcg}
     */
    static double[] fullHitAndNdcg(double[] scores, double[] tieKeys, int[] positives, int k) {
        int[] top = topK(scores, tieKeys, k);
        boolean[] isPositive = new boolean[scores.length];
        for (int p : positives) {
            isPositive[p] = true;
        }
        double dcg = 0;
        boolean hit = false;
        for (int r = 0; r < top.length; r++) {
            if (isPositive[top[r]]) {
                hit = true;
                dcg += 1 / log2(r + 2);
            }
        }
        double ideal = 0;
        for (int r = 0; r < Math.min(positives.length, k); r++) {
            ideal += 1 / log2(r + 2);
        }
        return new double[] {hit ? 1 : 0, ideal == 0 ? 0 : dcg / ideal};
    }

    /**
     * Hit and NDCG at k of a ranked list of item indices, best first, against the positives (NDCG normalised by
     * the ideal list of min(positives, k) hits, as {@link #fullHitAndNdcg}).
     */
    static double[] listHitAndNdcg(java.util.List<Integer> ranked, int[] positives, int k) {
        java.util.Set<Integer> pos = new java.util.HashSet<>();
        for (int p : positives) {
            pos.add(p);
        }
        double dcg = 0;
        boolean hit = false;
        for (int r = 0; r < Math.min(k, ranked.size()); r++) {
            if (pos.contains(ranked.get(r))) {
                hit = true;
                dcg += 1 / log2(r + 2);
            }
        }
        double ideal = 0;
        for (int r = 0; r < Math.min(pos.size(), k); r++) {
            ideal += 1 / log2(r + 2);
        }
        return new double[] {hit ? 1 : 0, ideal == 0 ? 0 : dcg / ideal};
    }

    /** The indices of the k best items, best first: by score, then by tie key (both larger first). */
    static int[] topK(double[] scores, double[] tieKeys, int k) {
        int size = Math.min(k, scores.length);
        int[] top = new int[size];
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            if (filled == size && !better(scores, tieKeys, i, top[size - 1])) {
                continue;
            }
            int at = filled < size ? filled++ : size - 1;
            // Insertion into the small sorted array.
            while (at > 0 && better(scores, tieKeys, i, top[at - 1])) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        return top;
    }

    private static boolean better(double[] scores, double[] tieKeys, int a, int b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : tieKeys[a] > tieKeys[b];
    }

    /**
     * Expected calibration error: predictions put in {@code bins} equal-width bins of [0, 1]; the mean over bins,
     * weighted by their share of rows, of |mean prediction - share of positives|.
     *
     * @return NaN for no rows
     */
    static double ece(double[] p, boolean[] positive, int bins) {
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1, Math.max(0, p[i]));
            int b = Math.min(bins - 1, (int) (q * bins));
            sumP[b] += q;
            sumY[b] += positive[i] ? 1 : 0;
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += Math.abs(sumP[b] - sumY[b]) / p.length;
            }
        }
        return p.length == 0 ? Double.NaN : ece;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
