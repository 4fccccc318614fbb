package dev.rialto.retrieval.lucene.internal.behaviour;

import java.util.Map;

import dev.rialto.api.retrieval.BehaviourVectors;

/**
 * A publication of behaviour vectors as the index uses it: the vectors, the Lucene field their items' vectors live
 * in, and the Gram matrix {@code YᵀY} of the item vectors, which folding a new user in needs.
 */
public final class BehaviourModel {

    /** Prefix of the HNSW field of behaviour vectors; the dimension follows, as Lucene fixes a field's dimension. */
    public static final String FIELD_PREFIX = "bvec_";

    private final BehaviourVectors vectors;
    private final String field;
    private final double[] gram;

    private BehaviourModel(BehaviourVectors vectors, String field, double[] gram) {
        this.vectors = vectors;
        this.field = field;
        this.gram = gram;
    }

    /**
     * This model without the user's vector (the user was forgotten); the item side, and so the fold-in, is
     * unchanged. Returns this model when it has no vector of the user.
     */
    public BehaviourModel withoutUser(String userId) {
        if (!vectors.users().containsKey(userId)) {
            return this;
        }
        Map<String, float[]> users = new java.util.HashMap<>(vectors.users());
        users.remove(userId);
        return new BehaviourModel(new BehaviourVectors(vectors.model(), vectors.version(), vectors.dimension(),
                vectors.items(), users, vectors.regularisation(), vectors.trainedAt()), field, gram);
    }

    public BehaviourModel(BehaviourVectors vectors) {
        this.vectors = vectors;
        this.field = FIELD_PREFIX + vectors.dimension();
        int d = vectors.dimension();
        double[] g = new double[d * d];
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
        this.gram = g;
    }

    public BehaviourVectors vectors() {
        return vectors;
    }

    /** The HNSW field of the item vectors. */
    public String field() {
        return field;
    }

    /** {@code model@version}. */
    public String label() {
        return vectors.model() + "@" + vectors.version();
    }

    public int dimension() {
        return vectors.dimension();
    }

    public float[] item(String id) {
        return vectors.items().get(id);
    }

    public float[] user(String id) {
        return vectors.users().get(id);
    }

    /**
     * The iALS fold-in of a user from weighted items: the least-squares user vector that the trainer would have
     * computed with the item vectors fixed (Hu, Koren, Volinsky 2008, eq. 4):
     * {@code x = (YᵀY + Yᵀ(Cᵤ − I)Y + λI)⁻¹ YᵀCᵤp(u)}, with confidence {@code c = 1 + alpha·w} for each of the
     * user's items and preference 1, and λ the published regularisation. Items without a vector are ignored.
     *
     * @return the user's vector, or null when none of the items has a vector
     */
    public float[] foldIn(Map<String, Double> itemWeights, double alpha) {
        int d = vectors.dimension();
        double[] a = gram.clone();
        double[] b = new double[d];
        int used = 0;
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            float[] y = vectors.items().get(e.getKey());
            if (y == null || e.getValue() == null || !(e.getValue() > 0)) {
                continue;
            }
            used++;
            double c = 1 + alpha * e.getValue();
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
        // A tiny ridge keeps the solve defined when the published regularisation is 0 and Y is rank-deficient.
        double ridge = vectors.regularisation() + 1e-9;
        for (int i = 0; i < d; i++) {
            a[i * d + i] += ridge;
        }
        double[] x = Cholesky.solve(a, b, d);
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
