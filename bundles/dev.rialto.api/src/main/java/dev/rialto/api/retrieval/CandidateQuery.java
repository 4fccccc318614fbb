package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;

/**
 * What a candidate source is asked for.
 *
 * @param userId the user, or null for an anonymous request
 * @param text   a search text, or null
 * @param n      how many candidates at most
 * @param filter restrictions every candidate must pass
 */
public record CandidateQuery(String userId, String text, int n, ItemFilter filter) {
    public CandidateQuery {
        userId = Require.optional(userId);
        text = Require.optional(text);
        Require.positive(n, "n");
        filter = filter == null ? ItemFilter.DEFAULT : filter;
    }
}
