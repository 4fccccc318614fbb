package dev.rialto.retrieval.lucene.internal.rest;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.RuntimeDelegate;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;

/**
 * {@code GET /api/v1/search?q=TEXT&n=10[&category=PREFIX][&brand=B]...[&minPrice=X][&maxPrice=Y]}: hybrid BM25 + semantic search over available items.
 * Only active while a JAX-RS whiteboard runs (the reference to the RuntimeDelegate service that Aries registers), so
 * the javax.ws.rs classes, imported optionally, are only loaded where they exist.
 */
@Component(service = SearchResource.class,
        property = {SearchJson.RESOURCE, SearchJson.APPLICATION, SearchJson.JSON},
        reference = @Reference(name = "jaxrsRuntime", service = RuntimeDelegate.class))
@Path("v1/search")
public class SearchResource {

    static final int MAX_QUERY_LENGTH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SearchResource.class);

    private final AtomicReference<ItemSearch> search = new AtomicReference<>();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response search(@QueryParam("q") String q, @QueryParam("n") String n,
            @QueryParam("category") String category, @QueryParam("brand") List<String> brands,
            @QueryParam("minPrice") String minPrice, @QueryParam("maxPrice") String maxPrice) {
        String query = q == null ? "" : q.strip();
        if (query.isEmpty()) {
            return SearchJson.error(Response.Status.BAD_REQUEST, "q is required", "q");
        }
        if (query.length() > MAX_QUERY_LENGTH) {
            return SearchJson.error(Response.Status.BAD_REQUEST,
                    "q must be at most " + MAX_QUERY_LENGTH + " characters", "q");
        }
        Integer count = SearchJson.count(n);
        if (count == null) {
            return SearchJson.badN();
        }
        ItemFilter filter;
        try {
            filter = FilterParams.filter(category, brands, minPrice, maxPrice, false);
        } catch (FilterParams.BadParameter e) {
            return SearchJson.error(Response.Status.BAD_REQUEST, e.getMessage(), e.field);
        }
        ItemSearch current = search.get();
        if (current == null) {
            return SearchJson.error(Response.Status.SERVICE_UNAVAILABLE, "search is not available", null);
        }
        try {
            SearchResult result = current.search(query, count, filter);
            return Response.ok(new SearchJson.Results(result.query(), SearchJson.hits(result))).build();
        } catch (IllegalArgumentException e) {
            return SearchJson.error(Response.Status.BAD_REQUEST, e.getMessage(), null);
        } catch (RuntimeException e) {
            // The query stays out of the log: it may hold personal data.
            LOG.warn("Search failed (n={}, category filter={})", count, category != null, e);
            return SearchJson.error(Response.Status.INTERNAL_SERVER_ERROR, "search failed", null);
        }
    }

    @Reference(name = "search", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindSearch")
    void bindSearch(ItemSearch service) {
        search.set(service);
    }

    void unbindSearch(ItemSearch service) {
        search.compareAndSet(service, null);
    }
}
