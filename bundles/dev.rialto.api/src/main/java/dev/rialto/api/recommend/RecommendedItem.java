package dev.rialto.api.recommend;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * One recommended item with the trace of why.
 *
 * @param itemId     the item
 * @param title      its title
 * @param category   its category path
 * @param score      the final score the list is ordered by (the model's score, or the fused score without a model)
 * @param sources    every source that proposed it, with rank and score
 * @param fusedScore the reciprocal-rank-fusion score over the sources
 * @param modelScore the model's score, or null when no model scored it
 * @param model      the model name and version that scored it ({@code name@version}), or null
 */
public record RecommendedItem(String itemId, String title, String category, double score, List<SourceHit> sources,
        double fusedScore, Double modelScore, String model) {
    public RecommendedItem {
        Require.nonBlank(itemId, "itemId");
        title = title == null ? "" : title;
        category = category == null ? "" : category;
        Require.finite(score, "score");
        sources = List.copyOf(Require.nonNull(sources, "sources"));
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("sources must name at least one candidate source");
        }
    }
}
