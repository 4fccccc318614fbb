package dev.rialto.rest.internal.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScoreResourceTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeModels.Scorer scorer = new FakeModels.Scorer();
    private ScoreResource resource;

    @BeforeEach
    void setUp() {
        resource = new ScoreResource();
        resource.bindScorer(scorer);
    }

    private JsonNode json(Response response) {
        return mapper.valueToTree(response.getEntity());
    }

    @Test
    void scoresTheGivenItemsInTheirOrderWithTheModel() {
        Response response = resource.score("{\"user\": \"u42\", \"items\": [\"b\", \"a\", \"c\"]}");
        assertEquals(200, response.getStatus());
        JsonNode body = json(response);
        assertEquals("ranker@v2", body.get("model").asText());
        JsonNode scores = body.get("scores");
        List<String> order = new ArrayList<>();
        scores.fieldNames().forEachRemaining(order::add);
        assertEquals(List.of("b", "a", "c"), order);
        assertEquals(1.0, scores.get("b").asDouble(), 1e-12);
        assertEquals(0.5, scores.get("a").asDouble(), 1e-12);
        assertEquals(List.of("u42"), scorer.users);
        assertEquals(List.of(List.of("b", "a", "c")), scorer.calls);
        assertEquals(2, body.size(), "exactly model and scores");
    }

    @Test
    void acceptsExactly1000Items() {
        String items = IntStream.range(0, 1000).mapToObj(i -> "\"i" + i + "\"").collect(Collectors.joining(","));
        Response response = resource.score("{\"user\": \"u\", \"items\": [" + items + "]}");
        assertEquals(200, response.getStatus());
        assertEquals(1000, json(response).get("scores").size());
    }

    @Test
    void badInputIs400NamingTheField() {
        String tooMany = IntStream.range(0, 1001).mapToObj(i -> "\"i" + i + "\"").collect(Collectors.joining(","));
        String[][] cases = {
            {null, "body"},
            {"  ", "body"},
            {"{\"user\": ", "body"},
            {"[\"a\"]", "body"},
            {"{\"items\": [\"a\"]}", "user"},
            {"{\"user\": null, \"items\": [\"a\"]}", "user"},
            {"{\"user\": 42, \"items\": [\"a\"]}", "user"},
            {"{\"user\": \" \", \"items\": [\"a\"]}", "user"},
            {"{\"user\": \"u\"}", "items"},
            {"{\"user\": \"u\", \"items\": \"a\"}", "items"},
            {"{\"user\": \"u\", \"items\": []}", "items"},
            {"{\"user\": \"u\", \"items\": [" + tooMany + "]}", "items"},
            {"{\"user\": \"u\", \"items\": [\"a\", 7]}", "items[1]"},
            {"{\"user\": \"u\", \"items\": [\"a\", null]}", "items[1]"},
            {"{\"user\": \"u\", \"items\": [{\"id\": \"a\"}]}", "items[0]"},
            {"{\"user\": \"u\", \"items\": [\"\"]}", "items[0]"},
        };
        for (String[] c : cases) {
            Response response = resource.score(c[0]);
            assertEquals(400, response.getStatus(), c[0]);
            JsonNode body = json(response);
            assertEquals(c[1], body.get("field").asText(), c[0]);
            assertTrue(body.get("error").asText().length() > 5, c[0]);
        }
        assertTrue(scorer.calls.isEmpty(), "the scorer is never called with bad input");
    }

    @Test
    void noModelOrNoScorerIs503() {
        scorer.failure = FakeModels.noModel();
        Response response = resource.score("{\"user\": \"u\", \"items\": [\"a\"]}");
        assertEquals(503, response.getStatus());
        assertTrue(json(response).get("error").asText().contains("ranker"));

        resource.unbindScorer(scorer);
        Response none = resource.score("{\"user\": \"u\", \"items\": [\"a\"]}");
        assertEquals(503, none.getStatus());
        assertTrue(json(none).get("error").asText().contains("scorer"));
    }

    @Test
    void otherFailuresAre500WithoutDetails() {
        scorer.failure = new IllegalStateException("database at db.internal:5432 is down");
        Response response = resource.score("{\"user\": \"u\", \"items\": [\"a\"]}");
        assertEquals(500, response.getStatus());
        assertEquals("scoring failed", json(response).get("error").asText());
    }
}
