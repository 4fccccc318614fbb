package dev.rialto.shell.internal;

import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.ItemFilter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The logic of {@code rialto:recommend}: builds the request, calls the recommender, renders the table. */
final class RecommendationText {

    static final List<String> HEADER = List.of("#", "item", "title", "category", "score", "sources", "model score");

    private RecommendationText() {
    }

    /**
     * @throws IllegalArgumentException when the arguments are invalid (for example n out of range); the message
     *                                  names the argument
     */
    static String recommend(Recommender recommender, String user, int n, String categoryPrefix,
            boolean excludePurchased) {
        return recommendFiltered(recommender, user, n, new ItemFilter(categoryPrefix, Set.of(), true, excludePurchased));
    }

    static String recommendFiltered(Recommender recommender, String user, int n, ItemFilter filter) {
        if (recommender == null) {
            return "Recommender: " + Format.NOT_AVAILABLE + " (is the rialto-retrieval feature installed?)\n";
        }
        return table(recommender.recommend(new RecommendationRequest(user, n, filter)));
    }

    static String table(Recommendation recommendation) {
        String ranking = recommendation.model() == null ? "ranked by fusion, no model"
                : "model " + recommendation.model();
        StringBuilder out = new StringBuilder();
        out.append("Recommendations for ").append(recommendation.userId()).append(" (").append(ranking)
                .append(")\n");
        if (recommendation.items().isEmpty()) {
            return out.append("No items.\n").toString();
        }
        TextTable table = new TextTable(HEADER, 0, 0, 48, 40, 0, 0, 0);
        int rank = 0;
        for (RecommendedItem item : recommendation.items()) {
            table.row(Integer.toString(++rank), item.itemId(), item.title(), item.category(),
                    Format.score(item.score()), sources(item.sources()), Format.score(item.modelScore()));
        }
        return out.append(table.render()).toString();
    }

    /** For example {@code bm25#3 popular#1}: each source with the rank it gave the item. */
    static String sources(List<SourceHit> hits) {
        return hits.stream().map(h -> h.source() + "#" + h.rank()).collect(Collectors.joining(" "));
    }
}
