package dev.rialto.api.recommend;

import dev.rialto.api.common.Require;

/** That a candidate source found an item, at which rank, with which score. */
public record SourceHit(String source, int rank, double score) {
    public SourceHit {
        Require.nonBlank(source, "source");
        Require.positive(rank, "rank");
    }
}
