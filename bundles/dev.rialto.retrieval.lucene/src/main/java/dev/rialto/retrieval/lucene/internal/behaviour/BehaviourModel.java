package dev.rialto.retrieval.lucene.internal.behaviour;

import java.util.HashMap;
import java.util.Map;

import dev.rialto.api.retrieval.BehaviourFoldIn;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;

/**
 * A publication of behaviour vectors as the index uses it: the vectors, the Lucene field their items' vectors live
 * in, and the Gram matrix {@code YᵀY} of the item vectors, which folding a new user in needs.
 */
public final class BehaviourModel {

    /** Prefix of the HNSW field of behaviour vectors; the dimension follows, as Lucene fixes a field's dimension. */
    public static final String FIELD_PREFIX = "bvec_";

    private final BehaviourVectors vectors;
    private final String field;
    private final BehaviourFoldIn fold;

    private BehaviourModel(BehaviourVectors vectors, String field, BehaviourFoldIn fold) {
        this.vectors = vectors;
        this.field = field;
        this.fold = fold;
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
                vectors.items(), users, vectors.regularisation(), vectors.trainedAt(), vectors.confidence()), field,
                fold);
    }

    public BehaviourModel(BehaviourVectors vectors) {
        this.vectors = vectors;
        this.field = FIELD_PREFIX + vectors.dimension();
        this.fold = new BehaviourFoldIn(vectors);
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
     * {@code x = (YᵀY + Yᵀ(Cᵤ − I)Y + λI)⁻¹ YᵀCᵤp(u)}, with preference 1 on each of the user's items, λ the
     * published regularisation and the confidence the vectors were trained with
     * ({@link BehaviourVectors#confidence()}, the trainer's {@code 1 + alpha·log(1 + w)}); for a publication that
     * does not say, {@code c = 1 + fallbackAlpha·w}. Items without a vector are ignored.
     *
     * @return the user's vector, or null when none of the items has a vector
     */
    public float[] foldIn(Map<String, Double> itemWeights, double fallbackAlpha) {
        FoldInConfidence published = vectors.confidence();
        FoldInConfidence confidence = published != null ? published
                : new FoldInConfidence(FoldInConfidence.Form.LINEAR, fallbackAlpha);
        Map<String, Double> confidences = new HashMap<>(itemWeights.size() * 2);
        itemWeights.forEach((id, w) -> {
            if (w != null && w > 0) {
                confidences.put(id, confidence.of(w));
            }
        });
        return fold.foldIn(confidences);
    }
}
