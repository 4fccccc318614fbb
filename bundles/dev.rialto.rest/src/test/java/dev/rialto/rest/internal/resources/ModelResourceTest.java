package dev.rialto.rest.internal.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelResourceTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeModels.Registry registry = new FakeModels.Registry();
    private ModelResource resource;

    @BeforeEach
    void setUp() {
        resource = new ModelResource();
        resource.bindRegistry(registry);
    }

    private JsonNode json(Response response) {
        return mapper.valueToTree(response.getEntity());
    }

    @Test
    void listsEveryVersionWithActiveFlagsAndTheRefusals() {
        Response response = resource.list();
        assertEquals(200, response.getStatus());
        JsonNode body = json(response);
        JsonNode models = body.get("models");
        assertEquals(2, models.size());
        JsonNode v1 = models.get(0);
        assertEquals("ranker", v1.get("name").asText());
        assertEquals("v1", v1.get("version").asText());
        assertEquals(false, v1.get("active").asBoolean());
        assertTrue(v1.get("trainedAt").isNull());
        JsonNode v2 = models.get(1);
        assertEquals(true, v2.get("active").asBoolean());
        assertEquals("2025-06-01T09:00:00Z", v2.get("trainedAt").asText());
        assertEquals("2025-06-01T10:00:00Z", v2.get("loadedAt").asText());
        assertEquals("item_popularity", v2.get("features").get(0).asText());
        assertEquals(0.8, v2.get("metrics").get("auc").asDouble(), 1e-12);
        assertEquals(0.5, v2.get("baselines").get("popularity.auc").asDouble(), 1e-12);
        JsonNode refusal = body.get("refusals").get(0);
        assertEquals("v3", refusal.get("version").asText());
        assertEquals("model.onnx", refusal.get("field").asText());
        assertEquals("model.onnx: is missing", refusal.get("reason").asText());
    }

    @Test
    void rollbackByAnAdminReturnsTheActiveModel() {
        Response response = resource.rollback("ranker", FakeModels.user("boss", "rialto-admin"));
        assertEquals(200, response.getStatus());
        JsonNode body = json(response);
        assertEquals("ranker@v2", body.get("rolledBack").asText());
        assertEquals("v1", body.get("active").get("version").asText());
        assertTrue(body.get("active").get("active").asBoolean());
        assertEquals(List.of("ranker"), registry.rollbacks);

        Response again = resource.rollback("ranker", FakeModels.user("boss", "rialto-admin"));
        assertEquals(409, again.getStatus());
        assertTrue(json(again).get("error").asText().contains("'ranker'"));
        assertEquals("name", json(again).get("field").asText());
    }

    @Test
    void rollbackNeedsTheAdminRole() {
        Response response = resource.rollback("ranker", FakeModels.user("marketer", "rialto-marketer"));
        assertEquals(403, response.getStatus());
        assertTrue(json(response).get("error").asText().contains("rialto-admin"));
        assertEquals(403, resource.rollback("ranker", null).getStatus());
        assertTrue(registry.rollbacks.isEmpty());
    }

    @Test
    void unknownModelIs404AndNoRegistryIs503() {
        Response unknown = resource.rollback("sequence", FakeModels.user("boss", "rialto-admin"));
        assertEquals(404, unknown.getStatus());
        assertTrue(json(unknown).get("error").asText().contains("'sequence'"));

        resource.unbindRegistry(registry);
        assertEquals(503, resource.list().getStatus());
        assertEquals(503, resource.rollback("ranker", FakeModels.user("boss", "rialto-admin")).getStatus());
    }
}
