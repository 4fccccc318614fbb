package dev.rialto.retrieval.lucene.internal.index;

/** One search result: an item id and its Lucene score. */
public record Hit(String id, double score) {
}
