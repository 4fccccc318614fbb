package dev.rialto.api.recommend;

import dev.rialto.api.common.Require;
import dev.rialto.api.retrieval.ItemFilter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A request for recommendations.
 *
 * @param userId  the user
 * @param n       how many items, 1 to 1000
 * @param filter  restrictions, or null for {@link ItemFilter#DEFAULT}
 * @param sources names of the candidate sources to ask (as in a trace: {@code co-visitation}, {@code popular},
 *                ...), or empty for every configured source
 */
public record RecommendationRequest(String userId, int n, ItemFilter filter, Set<String> sources) {
    public static final int MAX_N = 1000;

    public RecommendationRequest {
        userId = Require.nonBlank(userId, "user").strip();
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("n must be between 1 and " + MAX_N + ", was " + n);
        }
        filter = filter == null ? ItemFilter.DEFAULT : filter;
        Set<String> names = new LinkedHashSet<>();
        if (sources != null) {
            for (String s : sources) {
                if (s == null || s.isBlank()) {
                    throw new IllegalArgumentException("sources must not contain a blank name");
                }
                names.add(s.strip().toLowerCase(Locale.ROOT));
            }
        }
        sources = Set.copyOf(names);
    }

    public RecommendationRequest(String userId, int n, ItemFilter filter) {
        this(userId, n, filter, Set.of());
    }

    /** Whether the source of this name is to be asked. */
    public boolean asks(String source) {
        return sources.isEmpty() || sources.contains(source.toLowerCase(Locale.ROOT));
    }
}
