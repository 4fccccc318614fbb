package dev.rialto.api.recommend;

import dev.rialto.api.common.Require;
import dev.rialto.api.retrieval.ItemFilter;

/**
 * A request for recommendations.
 *
 * @param userId the user
 * @param n      how many items, 1 to 1000
 * @param filter restrictions, or null for {@link ItemFilter#DEFAULT}
 */
public record RecommendationRequest(String userId, int n, ItemFilter filter) {
    public static final int MAX_N = 1000;

    public RecommendationRequest {
        userId = Require.nonBlank(userId, "user").strip();
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("n must be between 1 and " + MAX_N + ", was " + n);
        }
        filter = filter == null ? ItemFilter.DEFAULT : filter;
    }
}
