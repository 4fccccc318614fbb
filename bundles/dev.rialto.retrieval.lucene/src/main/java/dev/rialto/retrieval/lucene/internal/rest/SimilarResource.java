package dev.rialto.retrieval.lucene.internal.rest;

import java.util.concurrent.atomic.AtomicReference;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
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

import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;

/** {@code GET /api/v1/items/{id}/similar?n=10}: the available items most like one item, never itself. */
@Component(service = SimilarResource.class,
        property = {SearchJson.RESOURCE, SearchJson.APPLICATION, SearchJson.JSON},
        reference = @Reference(name = "jaxrsRuntime", service = RuntimeDelegate.class))
@Path("v1/items")
public class SimilarResource {

    private static final Logger LOG = LoggerFactory.getLogger(SimilarResource.class);

    private final AtomicReference<ItemSearch> search = new AtomicReference<>();

    @GET
    @Path("{id}/similar")
    @Produces(MediaType.APPLICATION_JSON)
    public Response similar(@PathParam("id") String id, @QueryParam("n") String n) {
        String itemId = id == null ? "" : id.strip();
        if (itemId.isEmpty()) {
            return SearchJson.error(Response.Status.BAD_REQUEST, "id is required", "id");
        }
        Integer count = SearchJson.count(n);
        if (count == null) {
            return SearchJson.badN();
        }
        ItemSearch current = search.get();
        if (current == null) {
            return SearchJson.error(Response.Status.SERVICE_UNAVAILABLE, "search is not available", null);
        }
        try {
            SearchResult result = current.similar(itemId, count);
            return Response.ok(new SearchJson.Similar(result.query(), SearchJson.hits(result))).build();
        } catch (ItemNotFoundException e) {
            return SearchJson.error(Response.Status.NOT_FOUND, e.getMessage(), "id");
        } catch (IllegalArgumentException e) {
            return SearchJson.error(Response.Status.BAD_REQUEST, e.getMessage(), null);
        } catch (RuntimeException e) {
            LOG.warn("Similar items failed (n={})", count, e);
            return SearchJson.error(Response.Status.INTERNAL_SERVER_ERROR, "similar items failed", null);
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
