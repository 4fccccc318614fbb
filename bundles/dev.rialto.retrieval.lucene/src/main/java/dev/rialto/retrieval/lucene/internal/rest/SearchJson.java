package dev.rialto.retrieval.lucene.internal.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.SearchResult;

/** The JSON bodies of the search resources and their shared parameter checks (the rest bundle's conventions). */
public final class SearchJson {

    /** The JAX-RS whiteboard service properties of every resource here: the rialto application, JSON. */
    static final String RESOURCE = "osgi.jaxrs.resource=true";
    static final String APPLICATION = "osgi.jaxrs.application.select=(osgi.jaxrs.name=rialto)";
    static final String JSON = "osgi.jaxrs.extension.select=(osgi.jaxrs.media.type=application/json)";

    static final int DEFAULT_N = 10;
    static final int MAX_N = 100;

    public record Source(String source, int rank, double score) {
    }

    public record Hit(String id, String title, String category, double score, List<Source> sources) {
    }

    /** {@code GET /api/v1/search}. */
    public record Results(String query, List<Hit> items) {
    }

    /** {@code GET /api/v1/items/{id}/similar}. */
    public record Similar(String item, List<Hit> items) {
    }

    private SearchJson() {
    }

    static List<Hit> hits(SearchResult result) {
        return result.items().stream().map(SearchJson::hit).toList();
    }

    private static Hit hit(RecommendedItem item) {
        return new Hit(item.itemId(), item.title(), item.category(), item.score(),
                item.sources().stream().map(SearchJson::source).toList());
    }

    private static Source source(SourceHit hit) {
        return new Source(hit.source(), hit.rank(), hit.score());
    }

    /** n from its query parameter: absent means {@value #DEFAULT_N}; null when it is not 1 to {@value #MAX_N}. */
    static Integer count(String n) {
        if (n == null || n.isBlank()) {
            return DEFAULT_N;
        }
        try {
            int value = Integer.parseInt(n.strip());
            return value < 1 || value > MAX_N ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Response badN() {
        return error(Response.Status.BAD_REQUEST, "n must be an integer between 1 and " + MAX_N, "n");
    }

    /** {@code {"error": "...", "field": "..."}}, the field only when one parameter is at fault. */
    static Response error(Response.Status status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
