package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IalsTest {

    @Test
    void choleskyFactorReproducesTheMatrix() {
        SplittableRandom r = new SplittableRandom(3);
        int k = 6;
        double[] m = new double[k * k];
        double[][] b = new double[k][k];
        for (double[] row : b) {
            for (int j = 0; j < k; j++) {
                row[j] = r.nextDouble() - 0.5;
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = i == j ? 0.5 : 0;
                for (int t = 0; t < k; t++) {
                    s += b[i][t] * b[j][t];
                }
                m[i * k + j] = s;
            }
        }
        double[] l = m.clone();
        Ials.cholesky(l, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int t = 0; t <= j; t++) {
                    s += l[i * k + t] * l[j * k + t];
                }
                assertEquals(m[i * k + j], s, 1e-9, "(L L^T)[" + i + "][" + j + "]");
            }
        }
        assertThrows(ArithmeticException.class, () -> Ials.cholesky(new double[] {1, 2, 2, 1}, 2));
    }

    /** The row solution is the exact minimiser: its normal equations hold. */
    @Test
    void foldInSolvesTheWeightedNormalEquations() {
        Ials.Params p = new Ials.Params(4, 1, 0.3, 5, 1);
        SplittableRandom r = new SplittableRandom(5);
        float[][] items = new float[20][4];
        for (float[] v : items) {
            for (int f = 0; f < 4; f++) {
                v[f] = (float) r.nextGaussian();
            }
        }
        int[] cols = {2, 7, 11};
        float[] values = {1, 3, 0.5f};
        float[] x = Ials.foldIn(cols, values, items, p);
        // Gradient of sum_i c_i (p_i - x.y_i)^2 + lambda |x|^2, with c = 1 off the observed cells and p = 0 there.
        double[] grad = new double[4];
        for (int i = 0; i < items.length; i++) {
            double c = 1;
            double pref = 0;
            for (int n = 0; n < cols.length; n++) {
                if (cols[n] == i) {
                    c = 1 + p.alpha() * Math.log1p(values[n]);
                    pref = 1;
                }
            }
            double err = Ials.dot(x, items[i]) - pref;
            for (int f = 0; f < 4; f++) {
                grad[f] += c * err * items[i][f];
            }
        }
        for (int f = 0; f < 4; f++) {
            grad[f] += p.regularisation() * x[f];
            assertEquals(0, grad[f], 1e-3, "gradient component " + f);
        }
        assertArrayEquals(new float[4], Ials.foldIn(new int[0], new float[0], items, p));
    }

    /** Two groups of users with disjoint tastes: each user ranks an unseen item of its own group first. */
    @Test
    void learnsBlockStructureAndRanksHeldOutItemsOfTheUsersGroup() {
        int users = 60;
        int itemsPerGroup = 15;
        SplittableRandom r = new SplittableRandom(9);
        List<int[]> rows = new ArrayList<>();
        List<Integer> heldOut = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int group = u % 2;
            List<Integer> picked = new ArrayList<>();
            for (int i = 0; i < itemsPerGroup; i++) {
                if (r.nextDouble() < 0.5) {
                    picked.add(group * itemsPerGroup + i);
                }
            }
            heldOut.add(picked.remove(r.nextInt(picked.size())));
            rows.add(picked.stream().mapToInt(Integer::intValue).toArray());
        }
        int[][] cols = rows.toArray(int[][]::new);
        float[][] values = new float[users][];
        for (int u = 0; u < users; u++) {
            values[u] = new float[cols[u].length];
            java.util.Arrays.fill(values[u], 1f);
        }
        // Two factors: enough for two groups, too few to memorise each user's zeros.
        Ials.Params p = new Ials.Params(2, 10, 1, 10, 4);
        int[] iterations = {0};
        Ials.Model model = Ials.fit(new Ials.Sparse(2 * itemsPerGroup, cols, values), p, it -> iterations[0] = it);
        assertEquals(10, iterations[0]);
        int better = 0;
        for (int u = 0; u < users; u++) {
            int own = heldOut.get(u);
            int otherGroupBest = -1;
            double otherBest = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < 2 * itemsPerGroup; i++) {
                if (i / itemsPerGroup != u % 2 && model.score(u, i) > otherBest) {
                    otherBest = model.score(u, i);
                    otherGroupBest = i;
                }
            }
            if (model.score(u, own) > model.score(u, otherGroupBest)) {
                better++;
            }
        }
        assertTrue(better >= users * 0.95, better + " of " + users + " users rank their group's held-out item first");
    }

    @Test
    void parametersAreValidatedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ials.Params(0, 1, 0.1, 1, 1))
                .getMessage().contains("ials.factors"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ials.Params(4, 0, 0.1, 1, 1))
                .getMessage().contains("ials.iterations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ials.Params(4, 1, 0, 1, 1))
                .getMessage().contains("ials.regularisation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ials.Params(4, 1, 0.1, Double.NaN, 1))
                .getMessage().contains("ials.alpha"));
    }
}
