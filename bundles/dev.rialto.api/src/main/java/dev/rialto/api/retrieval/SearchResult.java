package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;
import dev.rialto.api.recommend.RecommendedItem;
import java.util.List;

/**
 * The answer of {@link ItemSearch}.
 *
 * @param query the search text, or the id of the item whose neighbours were asked for
 * @param items best first; each item's {@code sources} name every source and rank that found it, its
 *              {@code score} and {@code fusedScore} are the fused score, and it carries no model score
 */
public record SearchResult(String query, List<RecommendedItem> items) {
    public SearchResult {
        Require.nonBlank(query, "query");
        items = List.copyOf(Require.nonNull(items, "items"));
    }
}
