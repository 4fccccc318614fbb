package dev.rialto.api.recommend;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * The answer to a {@link RecommendationRequest}.
 *
 * @param userId the user
 * @param items  best first
 * @param model  {@code name@version} of the model that ranked the list, or null when it was ranked by fusion
 */
public record Recommendation(String userId, List<RecommendedItem> items, String model) {
    public Recommendation {
        Require.nonBlank(userId, "user");
        items = List.copyOf(Require.nonNull(items, "items"));
    }
}
