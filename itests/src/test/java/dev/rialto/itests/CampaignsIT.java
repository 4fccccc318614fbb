package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.campaigns.RunStatus;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.routes.RouteInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.ops4j.pax.exam.util.Filter;

/** Campaigns from a deploy/ file on a cron schedule, over REST, from the console; outbox delivery exactly once. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class CampaignsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Filter(timeout = 60_000)
    private CampaignService campaigns;

    @Inject
    @Filter(timeout = 60_000)
    private ProfileRepository profiles;

    @Inject
    @Filter(timeout = 60_000)
    private RouteInventory routes;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    private void awaitDemoProfiles() {
        Await.until("the demo profiles", Duration.ofSeconds(120), () -> profiles.count() >= 1000 ? true : null);
    }

    @Test
    public void aCampaignFileIsScheduledAsARouteAndRemovedWithTheFile() throws Exception {
        awaitDemoProfiles();
        Path deploy = Support.home().resolve("deploy");
        Support.write(deploy, "it-every2s.campaign.json", """
                {"id": "it-every2s", "schedule": "0/2 * * * * ?", "holdoutPercent": 50,
                 "steps": [{"type": "deliver", "channel": "outbox"}]}
                """);
        Await.until("the campaign's route", Duration.ofSeconds(60), () -> routes.routes().stream()
                .anyMatch(r -> r.routeId().equals("campaign-it-every2s")) ? true : null);
        RunSummary scheduled = Await.until("a scheduled run", Duration.ofSeconds(60), () -> campaigns
                .runs("it-every2s", 50).stream().filter(r -> r.trigger().equals("schedule")
                        && r.status() == RunStatus.COMPLETED).findFirst().orElse(null));
        assertTrue(scheduled.toString(), scheduled.delivered() > 300);
        assertEquals(scheduled.toString(), scheduled.audience(), scheduled.delivered()
                + scheduled.skipped().getOrDefault("holdout", 0L));

        Files.delete(deploy.resolve("it-every2s.campaign.json"));
        Await.until("the campaign's removal", Duration.ofSeconds(60), () -> campaigns.get("it-every2s").isEmpty()
                && routes.routes().stream().noneMatch(r -> r.routeId().equals("campaign-it-every2s")) ? true : null);
    }

    @Test
    public void marketersRunCampaignsOverRestAndReadTheReport() throws Exception {
        awaitDemoProfiles();
        String password = Support.adminPassword();
        Http.Answer bad = Http.post("/api/v1/campaigns", "{\"id\": \"it-bad\", \"steps\": [{\"type\": \"deliver\"}]}",
                "admin", password);
        assertEquals(bad.toString(), 400, bad.status);
        assertTrue(bad.body, bad.body.contains("steps[0].channel must not be blank"));

        Http.Answer created = Http.post("/api/v1/campaigns", """
                {"id": "it-picks", "name": "Picks for you", "audience": {"attribute": "country", "value": "IE"},
                 "steps": [{"type": "recommend", "n": 3}, {"type": "generate", "kind": "email-body", "provider": "template"},
                           {"type": "deliver", "channel": "outbox"}],
                 "variants": [{"name": "A", "percent": 45}, {"name": "B", "percent": 45, "overrides": {"recommend.n": "5"}}],
                 "holdoutPercent": 10}
                """, "admin", password);
        assertEquals(created.toString(), 201, created.status);

        Http.Answer started = Http.post("/api/v1/campaigns/it-picks/runs", "", "admin", password);
        assertEquals(started.toString(), 202, started.status);
        String runId = JSON.readTree(started.body).get("runId").asText();
        Http.Answer busy = Http.post("/api/v1/campaigns/it-picks/runs", "", "admin", password);
        assertTrue(busy.toString(), busy.status == 409 || busy.status == 202);

        JsonNode report = Await.until("the run to complete", Duration.ofSeconds(300), () -> {
            try {
                JsonNode r = JSON.readTree(Http.get("/api/v1/campaigns/runs/" + runId, "admin", password).body);
                return r.path("summary").path("status").asText().equals("COMPLETED") ? r : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        JsonNode summary = report.get("summary");
        long delivered = summary.get("delivered").asLong();
        long audience = summary.get("audience").asLong();
        long irish = campaigns.previewSegment("{\"attribute\": \"country\", \"value\": \"IE\"}", 5).count();
        assertEquals("the segment rule selects the audience", irish, audience);
        assertTrue(summary.toString(), audience > 20 && audience < 1000);
        assertTrue(summary.toString(), delivered > audience / 2);
        assertEquals(0, summary.get("failed").asLong());
        assertEquals(report.toString(), "[\"A\",\"B\",\"holdout\"]", report.findValues("variant").toString()
                .replace(" ", ""));

        Path outbox = Path.of(System.getProperty("karaf.data"), "rialto", "outbox", "it-picks", runId + ".jsonl");
        List<String> lines = Files.readAllLines(outbox);
        assertEquals(delivered, lines.size());
        Set<String> ids = new HashSet<>();
        int most = 0;
        for (String line : lines) {
            JsonNode d = JSON.readTree(line);
            assertTrue(ids.add(d.get("deliveryId").asText()));
            int n = d.get("items").size();
            boolean b = d.get("variant").asText().equals("B");
            assertTrue(line, d.path("body").asText().length() > 20);
            assertEquals(line, "template", d.path("attributes").path("content.email-body.provider").asText());
            assertTrue(line, n >= 1 && n <= (b ? 5 : 3));
            most = b ? Math.max(most, n) : most;
        }
        assertEquals("arm B's override recommend.n = 5", 5, most);

        String list = Support.execute(sessions, "rialto:campaign-list");
        assertTrue(list, list.contains("it-picks") && list.contains("outbox"));
        String runs = Support.execute(sessions, "rialto:campaign-runs it-picks");
        assertTrue(runs, runs.contains(runId) && runs.contains("COMPLETED"));
        String text = Support.execute(sessions, "rialto:campaign-report " + runId);
        assertTrue(text, text.contains("holdout") && text.contains("delivered: " + delivered));
        String preview = Support.execute(sessions, "rialto:segment-preview all");
        assertTrue(preview, preview.startsWith("Segment: "));
        String console = Support.execute(sessions, "rialto:campaign-run it-picks");
        assertTrue(console, console.contains("COMPLETED"));
        assertNotNull(campaigns.get("it-picks").orElse(null));
        assertFalse(campaigns.runs("it-picks", 5).isEmpty());
    }
}
