package dev.rialto.training.internal;

import java.util.Arrays;

/**
 * The non-learned contenders, over item indices {@code 0..n-1}: popularity, item-kNN and "buy again". Each one
 * fills a score for every catalogue item, so the sampled and the full-ranking protocols read the same numbers.
 */
final class Baselines {
    private Baselines() {
    }

    /**
     * Item-item cosine on the co-occurrence of users: {@code sim(i, j) = |U_i & U_j| / sqrt(|U_i| |U_j|)}, where
     * {@code U_i} is the set of users who touched i. Only the {@code k} most similar neighbours of each item are
     * kept, so scoring a user costs {@code |history| * k}.
     */
    static final class ItemKnn {
        final int[][] neighbours;
        final float[][] similarities;

        /**
         * @param userItems each user's distinct item indices (in the training period)
         * @param itemCount catalogue size
         * @param k         neighbours kept per item
         */
        ItemKnn(int[][] userItems, int itemCount, int k) {
            int[] userCount = new int[itemCount];
            int[][] itemUsers;
            for (int[] items : userItems) {
                for (int i : items) {
                    userCount[i]++;
                }
            }
            itemUsers = new int[itemCount][];
            int[] fill = new int[itemCount];
            for (int i = 0; i < itemCount; i++) {
                itemUsers[i] = new int[userCount[i]];
            }
            for (int u = 0; u < userItems.length; u++) {
                for (int i : userItems[u]) {
                    itemUsers[i][fill[i]++] = u;
                }
            }
            neighbours = new int[itemCount][];
            similarities = new float[itemCount][];
            int[] co = new int[itemCount];
            int[] touched = new int[itemCount];
            double[] sim = new double[itemCount];
            for (int i = 0; i < itemCount; i++) {
                int t = 0;
                for (int u : itemUsers[i]) {
                    for (int j : userItems[u]) {
                        if (j != i && co[j]++ == 0) {
                            touched[t++] = j;
                        }
                    }
                }
                // Top k of the touched items by similarity (ties: lower index), then reset the scratch counts.
                Integer[] order = new Integer[t];
                for (int a = 0; a < t; a++) {
                    int j = touched[a];
                    sim[j] = co[j] / Math.sqrt((double) userCount[i] * userCount[j]);
                    order[a] = j;
                }
                Arrays.sort(order, (a, b) -> sim[a] != sim[b] ? Double.compare(sim[b], sim[a]) : Integer.compare(a, b));
                int keep = Math.min(k, t);
                neighbours[i] = new int[keep];
                similarities[i] = new float[keep];
                for (int a = 0; a < keep; a++) {
                    neighbours[i][a] = order[a];
                    similarities[i][a] = (float) sim[order[a]];
                }
                for (int a = 0; a < t; a++) {
                    co[touched[a]] = 0;
                }
            }
        }

        /** The score of every item: the sum of its similarities to the history items (distinct indices). */
        double[] scores(int[] history) {
            double[] out = new double[neighbours.length];
            for (int h : history) {
                int[] n = neighbours[h];
                float[] s = similarities[h];
                for (int a = 0; a < n.length; a++) {
                    out[n[a]] += s[a];
                }
            }
            return out;
        }
    }

    /**
     * "Buy again": the user's own weighted interaction count with the item (purchases weigh most), ties broken by
     * popularity. The popularity term is below 1, so it never outweighs a single interaction.
     *
     * @param userWeights item index -> the user's summed event weights (zero for items never touched)
     */
    static double[] buyAgain(double[] userWeights, long[] popularity) {
        long max = 0;
        for (long p : popularity) {
            max = Math.max(max, p);
        }
        double[] out = new double[popularity.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = userWeights[i] + popularity[i] / (max + 1.0);
        }
        return out;
    }

    static double[] popularity(long[] counts) {
        double[] out = new double[counts.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts[i];
        }
        return out;
    }
}
