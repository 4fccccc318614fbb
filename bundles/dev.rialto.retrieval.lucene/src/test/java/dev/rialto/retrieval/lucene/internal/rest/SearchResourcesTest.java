package dev.rialto.retrieval.lucene.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import javax.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;

class SearchResourcesTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Object[]> calls = new ArrayList<>();
    private SearchResource searchResource;
    private SimilarResource similarResource;

    private static final RecommendedItem MUG = new RecommendedItem("i1", "Red mug", "Home > Kitchen", 0.032,
            List.of(new SourceHit("text", 1, 7.5), new SourceHit("semantic", 3, 0.91)), 0.032, null, null);

    private final ItemSearch fake = new ItemSearch() {
        @Override
        public SearchResult search(String query, int n, ItemFilter filter) {
            calls.add(new Object[] {query, n, filter});
            return new SearchResult(query, List.of(MUG));
        }

        @Override
        public SearchResult similar(String itemId, int n) {
            calls.add(new Object[] {itemId, n});
            if (!itemId.equals("i0")) {
                throw new ItemNotFoundException(itemId);
            }
            return new SearchResult(itemId, List.of(MUG));
        }
    };

    @BeforeEach
    void setUp() {
        searchResource = new SearchResource();
        searchResource.bindSearch(fake);
        similarResource = new SimilarResource();
        similarResource.bindSearch(fake);
    }

    private JsonNode json(Response r) {
        return mapper.valueToTree(r.getEntity());
    }

    @Test
    void searchReturnsItemsWithTheirSources() {
        Response r = searchResource.search(" red mug ", "5", "Home", null, null, null);
        assertEquals(200, r.getStatus());
        JsonNode body = json(r);
        assertEquals("red mug", body.get("query").asText());
        JsonNode item = body.get("items").get(0);
        assertEquals("i1", item.get("id").asText());
        assertEquals("Red mug", item.get("title").asText());
        assertEquals("Home > Kitchen", item.get("category").asText());
        assertEquals(0.032, item.get("score").asDouble(), 1e-12);
        JsonNode sources = item.get("sources");
        assertEquals(2, sources.size());
        assertEquals("text", sources.get(0).get("source").asText());
        assertEquals(1, sources.get(0).get("rank").asInt());
        assertEquals("semantic", sources.get(1).get("source").asText());
        assertEquals(0.91, sources.get(1).get("score").asDouble(), 1e-12);
        assertEquals(List.of("id", "title", "category", "score", "sources"), fields(item));

        Object[] call = calls.get(0);
        assertEquals(5, call[1]);
        ItemFilter filter = (ItemFilter) call[2];
        assertEquals("Home", filter.categoryPrefix());
        assertEquals(true, filter.availableOnly());

        searchResource.search("mug", null, null, null, null, null);
        assertEquals(10, calls.get(1)[1], "n defaults to 10");
    }

    @Test
    void brandAndPriceParametersBecomeTheFilter() {
        Response r = searchResource.search("mug", "5", null, List.of("Acme, Globex", "Initech"), "9.5", "20");
        assertEquals(200, r.getStatus());
        ItemFilter filter = (ItemFilter) calls.get(0)[2];
        assertEquals(java.util.Set.of("Acme", "Globex", "Initech"), filter.brands());
        assertEquals(new java.math.BigDecimal("9.5"), filter.minPrice());
        assertEquals(new java.math.BigDecimal("20"), filter.maxPrice());
        assertNull(filter.categoryPrefix());

        assertError(searchResource.search("mug", "5", null, null, "cheap", null), 400, "minPrice");
        assertError(searchResource.search("mug", "5", null, null, null, "-1"), 400, "maxPrice");
        assertError(searchResource.search("mug", "5", null, null, "30", "20"), 400, "minPrice");
        assertEquals(1, calls.size(), "bad filters never reach the search");
    }

    @Test
    void badSearchParametersAre400sNamingTheField() {
        assertError(searchResource.search(null, "5", null, null, null, null), 400, "q");
        assertError(searchResource.search("  ", "5", null, null, null, null), 400, "q");
        assertError(searchResource.search("x".repeat(1001), "5", null, null, null, null), 400, "q");
        assertError(searchResource.search("mug", "0", null, null, null, null), 400, "n");
        assertError(searchResource.search("mug", "101", null, null, null, null), 400, "n");
        assertError(searchResource.search("mug", "ten", null, null, null, null), 400, "n");
        assertEquals(0, calls.size());
        searchResource.unbindSearch(fake);
        assertError(searchResource.search("mug", "5", null, null, null, null), 503, null);
    }

    @Test
    void similarReturnsTheNeighboursAnd404ForAnUnknownItem() {
        Response r = similarResource.similar("i0", "3");
        assertEquals(200, r.getStatus());
        JsonNode body = json(r);
        assertEquals("i0", body.get("item").asText());
        assertEquals("i1", body.get("items").get(0).get("id").asText());
        assertEquals(3, calls.get(0)[1]);

        JsonNode missing = assertError(similarResource.similar("nope", "3"), 404, "id");
        assertEquals("unknown item 'nope'", missing.get("error").asText());
        assertError(similarResource.similar("i0", "100000"), 400, "n");
        assertError(similarResource.similar(" ", null), 400, "id");
    }

    private JsonNode assertError(Response r, int status, String field) {
        assertEquals(status, r.getStatus());
        JsonNode body = json(r);
        assertEquals(true, body.get("error").isTextual());
        if (field == null) {
            assertNull(body.get("field"));
        } else {
            assertEquals(field, body.get("field").asText());
        }
        return body;
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
