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
 * @param sources    names of the candidate sources to ask (as in a trace: {@code co-visitation}, {@code popular},
 *                   ...), or empty for every configured source
 * @param candidates how many candidates each source contributes at most, or 0 for the configured quotas. Never
 *                   fewer than n. A batch that needs a few items per user (a campaign's four products) asks for
 *                   fewer to save most of the work: the kNN sources' cost grows with their k.
 */
public record RecommendationRequest(String userId, int n, ItemFilter filter, Set<String> sources, int candidates) {
    public static final int MAX_N = 1000;
    /** The largest per-source depth a request may ask for. */
    public static final int MAX_CANDIDATES = 10_000;

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
        if (candidates < 0 || candidates > MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates must be between 0 (the configured quotas) and "
                    + MAX_CANDIDATES + ", was " + candidates);
        }
    }

    public RecommendationRequest(String userId, int n, ItemFilter filter) {
        this(userId, n, filter, Set.of(), 0);
    }

    public RecommendationRequest(String userId, int n, ItemFilter filter, Set<String> sources) {
        this(userId, n, filter, sources, 0);
    }

    /**
     * A source's depth for this request: its configured quota, cut to {@link #candidates()} (but never below n)
     * when the request asks for fewer.
     */
    public int depth(int configured) {
        return candidates == 0 ? configured : Math.min(configured, Math.max(candidates, n));
    }

    /** Whether the source of this name is to be asked. */
    public boolean asks(String source) {
        return sources.isEmpty() || sources.contains(source.toLowerCase(Locale.ROOT));
    }
}
