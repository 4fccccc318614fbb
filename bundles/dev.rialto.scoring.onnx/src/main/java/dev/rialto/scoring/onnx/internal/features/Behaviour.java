package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.retrieval.BehaviourVectors;
import java.util.Map;

/**
 * Behaviour (iALS) vectors as the extractor reads them: item vectors over the snapshot's dense item index, the
 * users' trained vectors, and the Gram matrix {@code YᵀY} for folding in a user who is not in the set.
 */
final class Behaviour {
    /**
     * Confidence slope of the fold-in, {@code c = 1 + ALPHA * log1p(weight)}: the trainer's iALS default, so a
     * folded-in user is close to what training would have given them.
     */
    static final double ALPHA = 10;

    final String label;
    final int dimension;
    /** Per dense item index: the vector, or null. */
    final float[][] items;
    private final Map<String, float[]> users;
    private final double[] gram;
    private final double regularisation;

    Behaviour(BehaviourVectors vectors, Map<String, Integer> index) {
        label = vectors.model() + "@" + vectors.version();
        dimension = vectors.dimension();
        users = vectors.users();
        regularisation = vectors.regularisation();
        items = new float[index.size()][];
        index.forEach((id, at) -> items[at] = vectors.items().get(id));
        int d = dimension;
        double[] g = new double[d * d];
        // Over every published item, catalogued or not: the trainer's YᵀY.
        for (float[] y : vectors.items().values()) {
            for (int i = 0; i < d; i++) {
                double yi = y[i];
                for (int j = i; j < d; j++) {
                    g[i * d + j] += yi * y[j];
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

    /** The user's trained vector, or null. */
    float[] trained(String userId) {
        return userId == null ? null : users.get(userId);
    }

    /**
     * The iALS fold-in (Hu, Koren and Volinsky 2008, eq. 4) with the item vectors fixed:
     * {@code x = (YᵀY + Yᵀ(Cᵤ − I)Y + λI)⁻¹ YᵀCᵤp(u)}, preference 1 on the given items.
     *
     * @param itemWeights dense item index to the user's summed event weight; items without a vector are ignored
     * @return the vector, or null when no item has one
     */
    float[] foldIn(Map<Integer, Double> itemWeights) {
        int d = dimension;
        double[] a = gram.clone();
        double[] b = new double[d];
        int used = 0;
        for (Map.Entry<Integer, Double> e : itemWeights.entrySet()) {
            float[] y = items[e.getKey()];
            if (y == null) {
                continue;
            }
            used++;
            double c = 1 + ALPHA * Math.log1p(e.getValue());
            for (int i = 0; i < d; i++) {
                b[i] += c * y[i];
                double ci = (c - 1) * y[i];
                for (int j = 0; j < d; j++) {
                    a[i * d + j] += ci * y[j];
                }
            }
        }
        if (used == 0) {
            return null;
        }
        // A tiny ridge keeps the solve defined when λ is 0 and Y is rank-deficient.
        for (int i = 0; i < d; i++) {
            a[i * d + i] += regularisation + 1e-9;
        }
        double[] x = solve(a, b, d);
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    /** Solves {@code a x = b} for symmetric positive-definite {@code a} (row-major d x d) by Cholesky. */
    static double[] solve(double[] a, double[] b, int d) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * d + j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    l[i * d + i] = Math.sqrt(Math.max(sum, 1e-12));
                } else {
                    l[i * d + j] = sum / l[j * d + j];
                }
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i * d + k] * y[k];
            }
            y[i] = sum / l[i * d + i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < d; k++) {
                sum -= l[k * d + i] * x[k];
            }
            x[i] = sum / l[i * d + i];
        }
        return x;
    }
}
