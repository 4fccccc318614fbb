package dev.rialto.api.retrieval;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The search façade: hybrid search (BM25 and semantic kNN fused by reciprocal rank) and similar items. Registered
 * with {@code rialto.bean=search}.
 */
@ProviderType
public interface ItemSearch {

    /** The largest {@code n} a call accepts. */
    int MAX_N = 1000;

    /**
     * The best {@code n} items for the query text, each with the sources and ranks that found it.
     *
     * @param filter restrictions, or null for {@link ItemFilter#DEFAULT}; {@code excludePurchased} is ignored
     *               (a search has no user)
     * @throws IllegalArgumentException when the query is blank or n is outside 1 to {@link #MAX_N}
     */
    SearchResult search(String query, int n, ItemFilter filter);

    /**
     * The {@code n} available items most like the given one, never the item itself: by its text embedding, or by
     * its terms (BM25 more-like-this) when it has no vector.
     *
     * @throws ItemNotFoundException when no item has this id
     * @throws IllegalArgumentException when n is outside 1 to {@link #MAX_N}
     */
    SearchResult similar(String itemId, int n);
}
