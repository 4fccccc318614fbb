package dev.rialto.rest.internal.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.scoring.ModelUnavailableException;
import java.util.ArrayList;
import java.util.List;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecommendationResourceTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<RecommendationRequest> requests = new ArrayList<>();
    private RecommendationResource resource;

    /** Returns two items, the first scored by a model, the second by fusion only. */
    private final Recommender fake = request -> {
        requests.add(request);
        return new Recommendation(request.userId(), List.of(
                new RecommendedItem("i1", "Red mug", "Home > Kitchen", 0.91,
                        List.of(new SourceHit("bm25", 1, 7.5), new SourceHit("covisit", 3, 0.4)),
                        0.032, 0.91, "ranker@3"),
                new RecommendedItem("i2", "Blue mug", "Home > Kitchen", 0.016,
                        List.of(new SourceHit("popular", 1, 120)), 0.016, null, null)),
                "ranker@3");
    };

    @BeforeEach
    void setUp() {
        resource = new RecommendationResource();
        resource.bindRecommender(fake);
    }

    @Test
    void returnsItemsWithTheirTrace() {
        Response response = resource.recommend("u42", "2", "Home", "true");
        assertEquals(200, response.getStatus());
        JsonNode json = mapper.valueToTree(response.getEntity());
        assertEquals("u42", json.get("user").asText());
        assertEquals("ranker@3", json.get("model").asText());
        JsonNode items = json.get("items");
        assertEquals(2, items.size());

        JsonNode first = items.get(0);
        assertEquals("i1", first.get("id").asText());
        assertEquals("Red mug", first.get("title").asText());
        assertEquals("Home > Kitchen", first.get("category").asText());
        assertEquals(0.91, first.get("score").asDouble(), 1e-12);
        JsonNode trace = first.get("trace");
        assertEquals(0.032, trace.get("fusedScore").asDouble(), 1e-12);
        assertEquals(0.91, trace.get("modelScore").asDouble(), 1e-12);
        assertEquals("ranker@3", trace.get("model").asText());
        JsonNode sources = trace.get("sources");
        assertEquals(2, sources.size());
        assertEquals("bm25", sources.get(0).get("source").asText());
        assertEquals(1, sources.get(0).get("rank").asInt());
        assertEquals(7.5, sources.get(0).get("score").asDouble(), 1e-12);
        assertEquals(3, sources.get(1).get("rank").asInt());

        JsonNode second = items.get(1).get("trace");
        assertTrue(second.get("modelScore").isNull());
        assertTrue(second.get("model").isNull());

        RecommendationRequest request = requests.get(0);
        assertEquals("u42", request.userId());
        assertEquals(2, request.n());
        assertEquals("Home", request.filter().categoryPrefix());
        assertTrue(request.filter().excludePurchased());
        assertTrue(request.filter().availableOnly());
    }

    @Test
    void brandAndPriceFiltersReachTheRecommender() {
        Response response = resource.recommend("u1", "5", null, null, List.of("Acme,Globex", " "), "1.50", "9");
        assertEquals(200, response.getStatus());
        RecommendationRequest request = requests.get(0);
        assertEquals(java.util.Set.of("Acme", "Globex"), request.filter().brands());
        assertEquals(new java.math.BigDecimal("1.50"), request.filter().minPrice());
        assertEquals(new java.math.BigDecimal("9"), request.filter().maxPrice());
        assertBadRequest(resource.recommend("u1", "5", null, null, null, "abc", null), "minPrice");
        assertBadRequest(resource.recommend("u1", "5", null, null, null, null, "-2"), "maxPrice");
        assertBadRequest(resource.recommend("u1", "5", null, null, null, "10", "2"), "minPrice");
        assertEquals(1, requests.size(), "bad filters never reach the recommender");
    }

    @Test
    void defaultsAreTenItemsKeepingPurchases() {
        assertEquals(200, resource.recommend(" u42 ", null, null, null).getStatus());
        RecommendationRequest request = requests.get(0);
        assertEquals("u42", request.userId());
        assertEquals(10, request.n());
        assertNull(request.filter().categoryPrefix());
        assertFalse(request.filter().excludePurchased());
    }

    @Test
    void badParametersAreBadRequestsNamingTheField() {
        assertBadRequest(resource.recommend("u1", "0", null, null), "n");
        assertBadRequest(resource.recommend("u1", "5000", null, null), "n");
        assertBadRequest(resource.recommend("u1", "ten", null, null), "n");
        assertBadRequest(resource.recommend(null, "10", null, null), "user");
        assertBadRequest(resource.recommend("  ", "10", null, null), "user");
        assertBadRequest(resource.recommend("x".repeat(300), "10", null, null), "user");
        assertBadRequest(resource.recommend("u1", "10", null, "maybe"), "excludePurchased");
        assertTrue(requests.isEmpty());
    }

    @Test
    void withoutRecommenderServiceUnavailable() {
        resource.unbindRecommender(fake);
        Response response = resource.recommend("u1", "10", null, null);
        assertEquals(503, response.getStatus());
        JsonNode json = mapper.valueToTree(response.getEntity());
        assertTrue(json.get("error").asText().contains("recommender"), json.toString());
        assertFalse(json.has("field"));
    }

    @Test
    void unbindingAnOlderServiceKeepsTheNewOne() {
        Recommender other = request -> new Recommendation(request.userId(), List.of(), null);
        resource.bindRecommender(other); // greedy: the new one is bound before the old one is unbound
        resource.unbindRecommender(fake);
        Response response = resource.recommend("u1", "10", null, null);
        assertEquals(200, response.getStatus());
        JsonNode json = mapper.valueToTree(response.getEntity());
        assertTrue(json.get("model").isNull());
        assertEquals(0, json.get("items").size());
    }

    @Test
    void recommenderFailuresMapToStatusCodes() {
        resource.bindRecommender(request -> {
            throw new ModelUnavailableException("no model loaded");
        });
        assertEquals(503, resource.recommend("u1", "10", null, null).getStatus());
        resource.bindRecommender(request -> {
            throw new IllegalStateException("index closed");
        });
        Response failed = resource.recommend("u1", "10", null, null);
        assertEquals(500, failed.getStatus());
        JsonNode json = mapper.valueToTree(failed.getEntity());
        assertEquals("recommendation failed", json.get("error").asText());
    }

    private void assertBadRequest(Response response, String field) {
        assertEquals(400, response.getStatus(), field);
        JsonNode json = mapper.valueToTree(response.getEntity());
        assertEquals(field, json.get("field").asText());
        assertFalse(json.get("error").asText().isBlank());
    }
}
