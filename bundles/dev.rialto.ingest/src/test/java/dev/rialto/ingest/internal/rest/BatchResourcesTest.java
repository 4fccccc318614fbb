package dev.rialto.ingest.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.common.RialtoException;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.RecordIngestor;
import dev.rialto.api.ingest.Rejection;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchResourcesTest {
    private static final String EVENT = "{\"id\":\"e%d\",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"timestamp\":1}";

    /** Records what it was given; answers with the function's report. */
    private static final class FakeIngestor implements RecordIngestor {
        final List<String> kinds = new ArrayList<>();
        final List<List<Map<String, Object>>> calls = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        Function<List<Map<String, Object>>, IngestReport> answer = records ->
                new IngestReport("s", EntityKind.EVENTS, records.size(), records.size(), 0, List.of());

        @Override
        public IngestReport ingestRecords(String kind, List<Map<String, Object>> records, String source) {
            kinds.add(kind);
            calls.add(records);
            sources.add(source);
            return answer.apply(records);
        }

        @Override
        public IngestReport ingestMessage(String kind, String json, String source, String partition, long offset) {
            throw new UnsupportedOperationException("not used over HTTP");
        }
    }

    private FakeIngestor ingestor;
    private EventsResource events;
    private ItemsResource items;

    @BeforeEach
    void setUp() {
        ingestor = new FakeIngestor();
        events = new EventsResource();
        events.bindIngestor(ingestor);
        items = new ItemsResource();
        items.bindIngestor(ingestor);
    }

    private static SecurityContext as(String user, String... roles) {
        Set<String> held = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> user;
            }

            @Override
            public boolean isUserInRole(String role) {
                return held.contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "API_KEY";
            }
        };
    }

    private static InputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertError(Response response, int status, String field, String contains) {
        assertEquals(status, response.getStatus());
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
        String entity = (String) response.getEntity();
        if (field != null) {
            assertTrue(entity.endsWith(",\"field\":\"" + field + "\"}"), entity);
        } else {
            assertTrue(!entity.contains("\"field\""), entity);
        }
        assertTrue(entity.contains(contains), entity);
    }

    @Test
    void collectorPostsEventsAndGetsPerRecordResults() {
        // The ingestor rejects its 2nd record; it is the 3rd element of the array (index 2).
        ingestor.answer = records -> new IngestReport("s", EntityKind.EVENTS, records.size(), 2, 1,
                List.of(new Rejection(2, "e2", "type", "type 'teleport' is not an event type")));
        Response response = events.post(body("""
                [{"id":"e0","type":"view","user":"u","item":"i","timestamp":"2026-01-01T00:00:00Z","price":9.90},
                 "not an object",
                 {"id":"e2","type":"teleport","user":"u","timestamp":1},
                 {"id":"e3","id":"again"},
                 {"id":"e4","type":"view","user":"u","item":{"nested":true},"timestamp":1},
                 {"id":"e0","type":"view","user":"u","item":"i","timestamp":"2026-01-01T00:00:00Z"}]
                """), as("shop", "rialto-collector"));
        assertEquals(200, response.getStatus());
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
        assertEquals("{\"received\":6,\"stored\":2,\"duplicates\":1,\"rejected\":["
                + "{\"index\":1,\"id\":null,\"field\":\"*\",\"reason\":\"the record is not a JSON object\"},"
                + "{\"index\":2,\"id\":\"e2\",\"field\":\"type\",\"reason\":\"type 'teleport' is not an event type\"},"
                + "{\"index\":3,\"id\":\"again\",\"field\":\"id\",\"reason\":\"id appears twice in the object\"}]}",
                response.getEntity());
        assertEquals(List.of("events"), ingestor.kinds);
        assertEquals(List.of("http:events:shop"), ingestor.sources);
        List<Map<String, Object>> given = ingestor.calls.get(0);
        assertEquals(4, given.size());
        assertEquals(new BigDecimal("9.90"), given.get(0).get("price"));
        assertEquals(1, given.get(1).get("timestamp"));
        // nested values go on to the ingestor, which rejects them naming the field
        assertEquals(Map.of(), given.get(2).get("item"));
    }

    @Test
    void adminMayPostEventsAndItems() {
        assertEquals(200, events.post(body("[" + EVENT.formatted(1) + "]"), as("admin", "rialto-admin")).getStatus());
        Response response = items.post(body("[{\"id\":\"a1\",\"title\":\"Shoe\",\"available\":true}]"),
                as("admin", "rialto-admin"));
        assertEquals(200, response.getStatus());
        assertEquals("{\"received\":1,\"stored\":1,\"duplicates\":0,\"rejected\":[]}", response.getEntity());
        assertEquals(List.of("events", "items"), ingestor.kinds);
        assertEquals(Boolean.TRUE, ingestor.calls.get(1).get(0).get("available"));
    }

    @Test
    void rolesAreCheckedBeforeTheBodyIsRead() {
        assertError(items.post(body("[{}]"), as("shop", "rialto-collector")), 403, null, "rialto-admin");
        assertError(events.post(body("[{}]"), as("mia", "rialto-marketer")), 403, null, "rialto-collector");
        assertError(items.post(body("[{}]"), as("mia", "rialto-marketer")), 403, null, "rialto-admin");
        assertError(events.post(body("[{}]"), null), 401, null, "authentication required");
        assertTrue(ingestor.calls.isEmpty());
    }

    @Test
    void unusableBodiesAre400NamingBody() {
        SecurityContext shop = as("shop", "rialto-collector");
        assertError(events.post(body(""), shop), 400, "body", "empty");
        assertError(events.post(null, shop), 400, "body", "JSON array");
        assertError(events.post(body("[]"), shop), 400, "body", "the array is empty");
        assertError(events.post(body("{\"id\":\"e1\"}"), shop), 400, "body", "must be a JSON array");
        assertError(events.post(body("[{\"id\":\"e1\",}]"), shop), 400, "body", "not valid JSON");
        assertError(events.post(body("[{\"id\":\"e1\"}"), shop), 400, "body", "not valid JSON");
        assertError(events.post(body("[{\"id\":\"e1\"}] x"), shop), 400, "body", "not valid JSON");
        assertError(events.post(body("[{\"id\":\"e1\"}] ["), shop), 400, "body", "text after the array");
        assertTrue(ingestor.calls.isEmpty(), "nothing is stored from a malformed body");
    }

    @Test
    void moreThanTenThousandRecordsAre413AndNothingIsStored() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i <= RecordIngestor.MAX_RECORDS; i++) {
            json.append(i == 0 ? "" : ",").append(EVENT.formatted(i));
        }
        Response response = events.post(body(json.append(']').toString()), as("shop", "rialto-collector"));
        assertError(response, 413, "body", "more than 10000 records");
        assertTrue(ingestor.calls.isEmpty());

        // exactly the limit is fine
        String limit = json.substring(0, json.lastIndexOf(",{")) + "]";
        Response ok = events.post(body(limit), as("shop", "rialto-collector"));
        assertEquals(200, ok.getStatus());
        assertEquals(10_000, ingestor.calls.get(0).size());
    }

    @Test
    void tooLargeBodyIs413() {
        EventsResource small = new EventsResource(RecordIngestor.MAX_RECORDS, 100);
        small.bindIngestor(ingestor);
        Response response = small.post(body("[" + EVENT.formatted(1) + "," + EVENT.formatted(2) + "]"),
                as("shop", "rialto-collector"));
        assertError(response, 413, "body", "larger than 100 bytes");
        assertTrue(ingestor.calls.isEmpty());
    }

    @Test
    void failuresOfTheIngestor() {
        SecurityContext shop = as("shop", "rialto-collector");
        events.unbindIngestor(ingestor);
        assertError(events.post(body("[" + EVENT.formatted(1) + "]"), shop), 503, null, "not available");

        events.bindIngestor(ingestor);
        ingestor.answer = records -> {
            throw new RialtoException("database down");
        };
        assertError(events.post(body("[" + EVENT.formatted(1) + "]"), shop), 503, null, "re-send");
        ingestor.answer = records -> {
            throw new IllegalArgumentException("kind 'x' is not one of items, events, profiles");
        };
        assertError(events.post(body("[" + EVENT.formatted(1) + "]"), shop), 400, null, "kind");
        ingestor.answer = records -> {
            throw new IllegalStateException("bug");
        };
        Response bug = events.post(body("[" + EVENT.formatted(1) + "]"), shop);
        assertError(bug, 500, null, "ingestion failed");
        assertTrue(!((String) bug.getEntity()).contains("bug"));
    }

    @Test
    void onlyRejectedElementsNeedNoIngestion() {
        Response response = events.post(body("[1, [2], null]"), as("shop", "rialto-collector"));
        assertEquals(200, response.getStatus());
        assertEquals("{\"received\":3,\"stored\":0,\"duplicates\":0,\"rejected\":["
                + "{\"index\":0,\"id\":null,\"field\":\"*\",\"reason\":\"the record is not a JSON object\"},"
                + "{\"index\":1,\"id\":null,\"field\":\"*\",\"reason\":\"the record is not a JSON object\"},"
                + "{\"index\":2,\"id\":null,\"field\":\"*\",\"reason\":\"the record is not a JSON object\"}]}",
                response.getEntity());
        assertTrue(ingestor.calls.isEmpty());
    }
}
