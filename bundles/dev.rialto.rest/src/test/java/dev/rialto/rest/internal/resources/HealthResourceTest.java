package dev.rialto.rest.internal.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ScoreResult;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class HealthResourceTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void degradedWithoutStoreButStillAnswers() {
        HealthResource health = new HealthResource("0.1.0.SNAPSHOT");
        JsonNode json = call(health);
        assertEquals("DEGRADED", json.get("status").asText());
        assertTrue(json.get("items").isNull());
        assertTrue(json.get("events").isNull());
        assertTrue(json.get("model").isNull());
        assertEquals("0.1.0.SNAPSHOT", json.get("version").asText());
    }

    @Test
    void upWithCountsAndModel() {
        HealthResource health = new HealthResource("1.2.3");
        health.bindItems(items(12));
        health.bindEvents(events(345));
        health.bindScorer(scorer("ranker", "7"));
        JsonNode json = call(health);
        assertEquals("UP", json.get("status").asText());
        assertEquals(12, json.get("items").asLong());
        assertEquals(345, json.get("events").asLong());
        assertEquals("ranker@7", json.get("model").asText());
    }

    @Test
    void failingStoreIsDegraded() {
        HealthResource health = new HealthResource("1.2.3");
        health.bindItems(items(-1));
        health.bindEvents(events(5));
        JsonNode json = call(health);
        assertEquals("DEGRADED", json.get("status").asText());
        assertTrue(json.get("items").isNull());
        assertEquals(5, json.get("events").asLong());
    }

    @Test
    void unbindLeavesItDegraded() {
        HealthResource health = new HealthResource("1.2.3");
        ItemRepository repository = items(1);
        health.bindItems(repository);
        health.bindEvents(events(1));
        health.unbindItems(repository);
        assertEquals("DEGRADED", call(health).get("status").asText());
    }

    private JsonNode call(HealthResource health) {
        Response response = health.health();
        assertEquals(200, response.getStatus());
        return mapper.valueToTree(response.getEntity());
    }

    /** count < 0 makes count() fail like a broken database. */
    private static ItemRepository items(long count) {
        return new ItemRepository() {
            @Override
            public void upsert(Collection<Item> items) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<Item> find(String id) {
                return Optional.empty();
            }

            @Override
            public Map<String, Item> findAll(Collection<String> ids) {
                return Map.of();
            }

            @Override
            public long count() {
                if (count < 0) {
                    throw new IllegalStateException("database down");
                }
                return count;
            }

            @Override
            public void forEach(Consumer<Item> consumer) {
            }
        };
    }

    private static EventRepository events(long count) {
        return new EventRepository() {
            @Override
            public int append(Collection<Event> events) {
                return 0;
            }

            @Override
            public long count() {
                return count;
            }

            @Override
            public List<Event> recentForUser(String userId, int limit) {
                return List.of();
            }

            @Override
            public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
            }

            @Override
            public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
                return Map.of();
            }

            @Override
            public Instant newestTimestamp() {
                return null;
            }
        };
    }

    private static InterestScorer scorer(String name, String version) {
        return new InterestScorer() {
            @Override
            public Optional<ModelInfo> activeModel() {
                return Optional.of(new ModelInfo(name, version, List.of("f1"), Map.of(), null, Instant.now()));
            }

            @Override
            public ScoreResult score(String userId, List<String> itemIds) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
