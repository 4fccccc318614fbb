package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;
import java.util.Map;

/**
 * The iALS fold-in of a user who is not in a publication (Hu, Koren and Volinsky 2008, eq. 4): the least-squares
 * user vector the trainer would have computed with the item vectors fixed,
 * {@code x = (YᵀY + Yᵀ(Cᵤ − I)Y + λI)⁻¹ YᵀCᵤp(u)}, preference 1 on the given items and λ the published
 * regularisation. Immutable; holds the vectors' Gram matrix {@code YᵀY}, computed once. One implementation for
 * every consumer (the behaviour candidate source, the scorer's behaviour feature); each chooses its confidences.
 */
public final class BehaviourFoldIn {

    private final BehaviourVectors vectors;
    private final double[] gram;

    public BehaviourFoldIn(BehaviourVectors vectors) {
        this.vectors = Require.nonNull(vectors, "vectors");
        int d = vectors.dimension();
        double[] g = new double[d * d];
        // Over every published item: the trainer's YᵀY.
        for (float[] y : vectors.items().values()) {
            for (int i = 0; i < d; i++) {
                double yi = y[i];
                if (yi == 0) {
                    continue;
                }
                int row = i * d;
                for (int j = i; j < d; j++) {
                    g[row + j] += yi * y[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                g[i * d + j] = g[j * d + i];
            }
        }
        gram = g;
    }

    public BehaviourVectors vectors() {
        return vectors;
    }

    /**
     * @param confidences item id to the confidence {@code c >= 1} of the user's preference for it; items without a
     *                    vector, and confidences that are not finite numbers of at least 1, are ignored
     * @return the user's vector, or null when none of the items counts
     */
    public float[] foldIn(Map<String, Double> confidences) {
        int d = vectors.dimension();
        double[] a = gram.clone();
        double[] b = new double[d];
        int used = 0;
        for (Map.Entry<String, Double> e : confidences.entrySet()) {
            float[] y = vectors.items().get(e.getKey());
            Double c = e.getValue();
            if (y == null || c == null || !(c >= 1) || Double.isInfinite(c)) {
                continue;
            }
            used++;
            for (int i = 0; i < d; i++) {
                b[i] += c * y[i];
                double ci = (c - 1) * y[i];
                if (ci == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    a[i * d + j] += ci * y[j];
                }
            }
        }
        if (used == 0) {
            return null;
        }
        // A tiny ridge keeps the solve defined when the regularisation is 0 and Y is rank-deficient.
        double ridge = vectors.regularisation() + 1e-9;
        for (int i = 0; i < d; i++) {
            a[i * d + i] += ridge;
        }
        double[] x = solve(a, b, d);
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    /** Solves {@code A x = b}, A symmetric positive definite (row-major n x n, overwritten by L), by Cholesky. */
    static double[] solve(double[] a, double[] b, int n) {
        for (int j = 0; j < n; j++) {
            double diag = a[j * n + j];
            for (int k = 0; k < j; k++) {
                diag -= a[j * n + k] * a[j * n + k];
            }
            // Rounding can leave a pivot of a near-singular matrix at or below 0: clamp rather than fail a request.
            double l = Math.sqrt(Math.max(diag, 1e-12));
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = s / l;
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= a[i * n + k] * y[k];
            }
            y[i] = s / a[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= a[k * n + i] * x[k];
            }
            x[i] = s / a[i * n + i];
        }
        return x;
    }
}
