package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.retrieval.BehaviourFoldIn;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;
import java.util.HashMap;
import java.util.Map;

/**
 * Behaviour (iALS) vectors as the extractor reads them: item vectors over the snapshot's dense item index, the
 * users' trained vectors, and the fold-in ({@link BehaviourFoldIn}) of a user who is not in the set.
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
    private final BehaviourFoldIn fold;
    /** The published confidence, else the trainer's default (publications from before API retrieval 1.7). */
    private final FoldInConfidence confidence;

    Behaviour(BehaviourVectors vectors, String[] idOf) {
        label = vectors.model() + "@" + vectors.version();
        dimension = vectors.dimension();
        users = vectors.users();
        items = new float[idOf.length][];
        for (int at = 0; at < idOf.length; at++) {
            items[at] = vectors.items().get(idOf[at]);
        }
        fold = new BehaviourFoldIn(vectors);
        confidence = vectors.confidence() != null ? vectors.confidence()
                : new FoldInConfidence(FoldInConfidence.Form.LOG1P, ALPHA);
    }

    /** The user's trained vector, or null. */
    float[] trained(String userId) {
        return userId == null ? null : users.get(userId);
    }

    /**
     * The iALS fold-in with the confidence the vectors were trained with (published with them; else the trainer's
     * default {@code 1 + ALPHA * log1p(weight)}).
     *
     * @param itemWeights item id to the user's summed event weight; items without a vector are ignored
     * @return the vector, or null when no item has one
     */
    float[] foldIn(Map<String, Double> itemWeights) {
        Map<String, Double> confidences = new HashMap<>(itemWeights.size() * 2);
        itemWeights.forEach((id, w) -> confidences.put(id, confidence.of(w)));
        return fold.foldIn(confidences);
    }
}
