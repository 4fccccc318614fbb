package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.Map;

/**
 * Behaviour embeddings learnt from implicit feedback (iALS): one vector per item and per user, in one space, so
 * that the dot product of a user's and an item's vector predicts the user's preference for the item.
 *
 * <p>The maps and arrays are handed over, not copied (a catalogue of 100k items at 64 dimensions is 25 MB): a
 * producer must not change them after construction, and consumers must not change them at all.
 *
 * @param model          the name of the model that produced them, for example {@code behaviour-ials}
 * @param version        its version; a newer publication replaces the older one
 * @param dimension      the length of every vector
 * @param items          item id to vector
 * @param users          user id to vector (users known at training time; others are folded in from their items)
 * @param regularisation the L2 weight used in training, needed to fold in a user who is not in {@code users}
 * @param trainedAt      when the vectors were trained
 * @param confidence     the confidence the vectors were trained with, for folding a new user in the same way; null
 *                       when the producer did not say (a publication from before API 1.7): consumers then use their
 *                       own configured confidence
 */
public record BehaviourVectors(String model, String version, int dimension, Map<String, float[]> items,
        Map<String, float[]> users, double regularisation, Instant trainedAt, FoldInConfidence confidence) {

    /** Vectors that do not say how they were trained to fold in (see {@code confidence}). */
    public BehaviourVectors(String model, String version, int dimension, Map<String, float[]> items,
            Map<String, float[]> users, double regularisation, Instant trainedAt) {
        this(model, version, dimension, items, users, regularisation, trainedAt, null);
    }

    public BehaviourVectors {
        Require.nonBlank(model, "model");
        Require.nonBlank(version, "version");
        Require.positive(dimension, "dimension");
        Require.nonNull(items, "items");
        users = users == null ? Map.of() : users;
        Require.nonNull(trainedAt, "trainedAt");
        if (!(regularisation >= 0)) {
            throw new IllegalArgumentException("regularisation must be >= 0, was " + regularisation);
        }
        for (Map.Entry<String, float[]> e : items.entrySet()) {
            if (e.getValue().length != dimension) {
                throw new IllegalArgumentException("item " + e.getKey() + ": vector has " + e.getValue().length
                        + " dimensions, expected " + dimension);
            }
        }
        for (Map.Entry<String, float[]> e : users.entrySet()) {
            if (e.getValue().length != dimension) {
                throw new IllegalArgumentException("user " + e.getKey() + ": vector has " + e.getValue().length
                        + " dimensions, expected " + dimension);
            }
        }
    }
}
