package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.events.Event;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import java.time.Duration;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.ops4j.pax.exam.util.Filter;

/** A web shop posts events with its API key; the key reaches nothing else. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class IngestHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sources' user ids are stored pseudonymised. */
    @Inject
    @Filter(timeout = 60_000)
    private Pseudonymiser pseudonymiser;
    @Inject
    @Filter(timeout = 60_000)
    private EventRepository events;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void shopPostsEventsWithItsKeyOnceAndOnlyThere() throws Exception {
        String body = "[{\"id\":\"it-http-1\",\"type\":\"view\",\"user\":\"it-shopper\",\"item\":\"i00001\","
                + "\"timestamp\":\"2026-01-01T10:00:00Z\"},"
                + "{\"id\":\"it-http-2\",\"type\":\"teleport\",\"user\":\"it-shopper\",\"item\":\"i00002\","
                + "\"timestamp\":\"2026-01-01T10:01:00Z\"}]";
        Http.Answer first = Await.until("the events resource", Duration.ofSeconds(60), () -> {
            Http.Answer answer = Http.postWithKey("/api/v1/events", body, RialtoOptions.COLLECTOR_KEY);
            return answer.status == 404 || answer.status == 503 ? null : answer;
        });
        assertEquals(first.toString(), 200, first.status);
        JsonNode report = JSON.readTree(first.body);
        assertEquals(2, report.get("received").asInt());
        assertEquals(1, report.get("stored").asInt());
        JsonNode rejected = report.get("rejected").get(0);
        assertEquals(1, rejected.get("index").asInt());
        assertEquals("type", rejected.get("field").asText());

        List<Event> stored = events.recentForUser(pseudonymiser.userId("it-shopper"), 10);
        assertEquals(1, stored.size());
        assertEquals(EventType.VIEW, stored.get(0).type());

        JsonNode again = JSON.readTree(Http.postWithKey("/api/v1/events", body, RialtoOptions.COLLECTOR_KEY).body);
        assertEquals(0, again.get("stored").asInt());
        assertEquals(1, again.get("duplicates").asInt());

        assertEquals(403, Http.getWithKey("/api/v1/models", RialtoOptions.COLLECTOR_KEY).status);
        assertEquals(403, Http.postWithKey("/api/v1/items", "[{\"id\":\"x\",\"title\":\"y\"}]",
                RialtoOptions.COLLECTOR_KEY).status);
        Http.Answer wrong = Http.postWithKey("/api/v1/events", body, "not-a-key");
        assertEquals(wrong.toString(), 401, wrong.status);
        assertTrue(events.recentForUser(pseudonymiser.userId("it-shopper"), 10).size() == 1);
    }
}
