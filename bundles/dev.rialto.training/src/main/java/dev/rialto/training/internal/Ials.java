package dev.rialto.training.internal;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren and Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008).
 *
 * <p>Every (user, item) cell has preference 1 when the user interacted with the item, else 0, and confidence
 * {@code c = 1 + alpha * log(1 + r)} where r is the summed event weight (the paper's log variant with epsilon 1: a
 * user who viewed an item 40 times is not 40 times as sure as one who bought it once). Each half-step solves,
 * per row, {@code (YtY + Yt(C - I)Y + lambda I) x = Yt C p} exactly by Cholesky; {@code YtY} is computed once per
 * half-step, so a row costs O(n_u k^2 + k^3) where n_u is its number of non-zero cells.
 */
final class Ials {

    /**
     * @param factors        vector length k
     * @param iterations     alternating passes (users, then items)
     * @param regularisation lambda, the L2 weight
     * @param alpha          confidence scale
     * @param seed           seed of the initial item vectors
     */
    record Params(int factors, int iterations, double regularisation, double alpha, long seed) {
        Params {
            if (factors < 1 || factors > 512) {
                throw new IllegalArgumentException("ials.factors must be in [1, 512], was " + factors);
            }
            if (iterations < 1) {
                throw new IllegalArgumentException("ials.iterations must be at least 1, was " + iterations);
            }
            if (!(regularisation > 0) || Double.isInfinite(regularisation)) {
                throw new IllegalArgumentException("ials.regularisation must be > 0, was " + regularisation);
            }
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("ials.alpha must be > 0, was " + alpha);
            }
        }
    }

    /**
     * A sparse matrix by rows: row r's non-zero columns are {@code cols[r]} with values {@code values[r]}
     * (summed event weights, all > 0).
     */
    record Sparse(int columns, int[][] cols, float[][] values) {
        int rows() {
            return cols.length;
        }

        Sparse transpose() {
            int[] counts = new int[columns];
            for (int[] row : cols) {
                for (int c : row) {
                    counts[c]++;
                }
            }
            int[][] tc = new int[columns][];
            float[][] tv = new float[columns][];
            for (int c = 0; c < columns; c++) {
                tc[c] = new int[counts[c]];
                tv[c] = new float[counts[c]];
            }
            int[] fill = new int[columns];
            for (int r = 0; r < cols.length; r++) {
                for (int j = 0; j < cols[r].length; j++) {
                    int c = cols[r][j];
                    tc[c][fill[c]] = r;
                    tv[c][fill[c]++] = values[r][j];
                }
            }
            return new Sparse(cols.length, tc, tv);
        }
    }

    /** The learnt vectors: {@code users[u]} and {@code items[i]}, each of length k. */
    record Model(float[][] users, float[][] items, Params params) {
        double score(int user, int item) {
            return dot(users[user], items[item]);
        }

        /** Every item's score for this user vector. */
        double[] scores(float[] user) {
            double[] out = new double[items.length];
            for (int i = 0; i < items.length; i++) {
                out[i] = dot(user, items[i]);
            }
            return out;
        }
    }

    private Ials() {
    }

    /**
     * Fits the factorisation.
     *
     * @param byUser   user rows over item columns
     * @param progress called with the number of finished iterations, may be null
     */
    static Model fit(Sparse byUser, Params p, IntConsumer progress) {
        int k = p.factors();
        SplittableRandom random = new SplittableRandom(p.seed());
        float[][] users = new float[byUser.rows()][k];
        float[][] items = new float[byUser.columns()][k];
        double scale = 1.0 / Math.sqrt(k);
        for (float[] item : items) {
            for (int f = 0; f < k; f++) {
                item[f] = (float) (random.nextGaussian() * 0.1 * scale);
            }
        }
        Sparse byItem = byUser.transpose();
        for (int it = 0; it < p.iterations(); it++) {
            solveAll(byUser, items, users, p);
            solveAll(byItem, users, items, p);
            if (progress != null) {
                progress.accept(it + 1);
            }
        }
        return new Model(users, items, p);
    }

    /** One half-step: every row of {@code out} solved against the fixed {@code fixed} vectors. */
    private static void solveAll(Sparse rows, float[][] fixed, float[][] out, Params p) {
        int k = p.factors();
        double[] gram = gram(fixed, k);
        double[] a = new double[k * k];
        double[] b = new double[k];
        for (int r = 0; r < rows.rows(); r++) {
            solveRow(rows.cols()[r], rows.values()[r], fixed, gram, p, a, b, out[r]);
        }
    }

    /**
     * Folds in one row (a user unknown at training time) against fixed item vectors: the same least-squares
     * solution the training gives a user row.
     */
    static float[] foldIn(int[] cols, float[] values, float[][] fixed, Params p) {
        int k = p.factors();
        float[] out = new float[k];
        if (cols.length > 0) {
            solveRow(cols, values, fixed, gram(fixed, k), p, new double[k * k], new double[k], out);
        }
        return out;
    }

    private static double[] gram(float[][] vectors, int k) {
        double[] g = new double[k * k];
        for (float[] v : vectors) {
            for (int i = 0; i < k; i++) {
                double vi = v[i];
                if (vi == 0) {
                    continue;
                }
                for (int j = i; j < k; j++) {
                    g[i * k + j] += vi * v[j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                g[i * k + j] = g[j * k + i];
            }
        }
        return g;
    }

    private static void solveRow(int[] cols, float[] values, float[][] fixed, double[] gram, Params p, double[] a,
            double[] b, float[] out) {
        int k = p.factors();
        if (cols.length == 0) {
            // No observation: the solution of (YtY + lambda I) x = 0.
            java.util.Arrays.fill(out, 0f);
            return;
        }
        System.arraycopy(gram, 0, a, 0, k * k);
        java.util.Arrays.fill(b, 0);
        for (int i = 0; i < k; i++) {
            a[i * k + i] += p.regularisation();
        }
        for (int n = 0; n < cols.length; n++) {
            float[] y = fixed[cols[n]];
            double c = 1 + p.alpha() * Math.log1p(values[n]);
            double extra = c - 1;
            for (int i = 0; i < k; i++) {
                double yi = y[i];
                b[i] += c * yi;
                double e = extra * yi;
                for (int j = i; j < k; j++) {
                    a[i * k + j] += e * y[j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                a[i * k + j] = a[j * k + i];
            }
        }
        cholesky(a, k);
        // Forward (L z = b) then backward (L^T x = z) substitution, in place in b.
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int j = 0; j < i; j++) {
                s -= a[i * k + j] * b[j];
            }
            b[i] = s / a[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < k; j++) {
                s -= a[j * k + i] * b[j];
            }
            b[i] = s / a[i * k + i];
        }
        for (int i = 0; i < k; i++) {
            out[i] = (float) b[i];
        }
    }

    /**
     * In-place Cholesky factorisation of a symmetric positive-definite k x k matrix: the lower triangle becomes L.
     * The matrix is positive definite by construction (Gram matrices plus lambda I with lambda > 0).
     */
    static void cholesky(double[] a, int k) {
        for (int j = 0; j < k; j++) {
            double d = a[j * k + j];
            for (int m = 0; m < j; m++) {
                d -= a[j * k + m] * a[j * k + m];
            }
            if (!(d > 0)) {
                throw new ArithmeticException("matrix is not positive definite at column " + j);
            }
            double l = Math.sqrt(d);
            a[j * k + j] = l;
            for (int i = j + 1; i < k; i++) {
                double s = a[i * k + j];
                for (int m = 0; m < j; m++) {
                    s -= a[i * k + m] * a[j * k + m];
                }
                a[i * k + j] = s / l;
            }
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
