package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;

/**
 * One item proposed by a candidate source.
 *
 * @param itemId the item
 * @param source the name of the source that found it
 * @param rank   its 1-based rank in that source's list
 * @param score  the source's own score (BM25, popularity, ...), comparable only within that source
 */
public record Candidate(String itemId, String source, int rank, double score) {
    public Candidate {
        Require.nonBlank(itemId, "itemId");
        Require.nonBlank(source, "source");
        Require.positive(rank, "rank");
        Require.finite(score, "score");
    }
}
