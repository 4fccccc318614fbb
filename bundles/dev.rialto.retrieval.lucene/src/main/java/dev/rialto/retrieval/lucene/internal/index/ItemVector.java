package dev.rialto.retrieval.lucene.internal.index;

/** The text embedding of one item and the model that computed it. */
public record ItemVector(String model, float[] vector) {
}
