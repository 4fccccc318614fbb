package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.IngestJournal;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.ProfileRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
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

/** Dead letters, pseudonyms, export and forget, and the ingestion console commands, in the built distribution. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class IngestPrivacyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Filter(timeout = 60_000)
    private Pseudonymiser pseudonymiser;
    @Inject
    @Filter(timeout = 60_000)
    private IngestJournal journal;
    @Inject
    @Filter(timeout = 60_000)
    private EventRepository events;
    @Inject
    @Filter(timeout = 60_000)
    private ProfileRepository profiles;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void aDroppedFileWithBadRowsLeavesDeadLettersInTheTableTheFileAndTheConsole() throws Exception {
        Path inbox = Support.home().resolve("inbox/events");
        Support.write(inbox, "ipit-dead.csv", "id,type,user,item,timestamp,channel\n"
                + "ipit-d1,view,ipit-dora,i00001,2026-01-01T10:00:00Z,web\n"
                + "ipit-d2,teleport,ipit-dora,i00001,2026-01-01T10:00:00Z,web\n"
                + "ipit-d3,view,ipit-dora,i00001,not-a-time,web\n");
        Await.until("ipit-dead.csv in .error", Duration.ofSeconds(90),
                () -> Files.exists(inbox.resolve(".error/ipit-dead.csv")) ? true : null);
        List<DeadLetter> letters = journal.deadLetters("events", 1000).stream()
                .filter(d -> "ipit-dead.csv".equals(d.file())).toList();
        assertEquals(2, letters.size());
        assertEquals(List.of(4L, 3L), letters.stream().map(DeadLetter::line).toList());
        assertEquals("timestamp", letters.get(0).field());
        assertEquals("ipit-d3,view,ipit-dora,i00001,not-a-time,web", letters.get(0).raw());
        assertEquals(pseudonymiser.userId("ipit-dora"), letters.get(0).userId());
        assertEquals("web", events.recentForUser(pseudonymiser.userId("ipit-dora"), 5).get(0).context().channel());

        Path file = Paths.get(System.getProperty("karaf.data")).resolve("rialto/dead-letters/events");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".jsonl";
        assertTrue(Files.readString(file.resolve(today)).contains("\"file\":\"ipit-dead.csv\""));

        String console = Support.execute(sessions, "rialto:dead-letters --source events -n 500");
        assertTrue(console, console.contains("ipit-dead.csv") && console.contains("teleport"));
        String status = Support.execute(sessions, "rialto:ingest-status");
        assertTrue(status, status.lines().anyMatch(l -> l.startsWith("events ")));
    }

    @Test
    public void userIdsArePseudonymisedWithAPrivateKeyFile() throws Exception {
        String stored = pseudonymiser.userId("ipit-someone");
        assertTrue(stored, stored.matches("ps_[0-9a-f]{32}"));
        Path key = Paths.get(System.getProperty("karaf.data")).resolve("rialto/privacy.key");
        assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(key));
    }

    @Test
    public void consoleIngestExportAndForget() throws Exception {
        Path dir = Files.createTempDirectory("ipit");
        Path file = dir.resolve("profiles-ipit.csv");
        Files.writeString(file, "id,email,country,consent_personalisation,consent_email,consent_ads\n"
                + "ipit-erik,erik@example.com,SE,yes,no,\n");
        String ingest = Support.execute(sessions, "rialto:ingest " + file);
        assertTrue(ingest, ingest.contains("stored 1") && ingest.contains("] 100%"));
        String stored = pseudonymiser.userId("ipit-erik");
        assertEquals(new Consent(true, false, null), profiles.find(stored).orElseThrow().consent());
        assertFalse("personal fields are dropped by default",
                profiles.find(stored).orElseThrow().attributes().containsKey("email"));

        Path eventsFile = dir.resolve("clicks.jsonl");
        Files.writeString(eventsFile, "{\"type\":\"purchase\",\"user\":\"ipit-erik\",\"item\":\"i00002\","
                + "\"timestamp\":\"2026-02-01T10:00:00Z\",\"price\":\"19.90\"}\n");
        String second = Support.execute(sessions, "rialto:ingest --mapping events " + eventsFile);
        assertTrue(second, second.contains("stored 1"));

        String export = Support.execute(sessions, "rialto:profile-export ipit-erik");
        assertTrue(export, export.contains(stored) && export.contains("personalisation=true email=false ads=unknown")
                && export.contains("19.9"));
        String forget = Support.execute(sessions, "rialto:profile-forget ipit-erik");
        assertTrue(forget, forget.contains("profile deleted, 1 events"));
        assertTrue(profiles.find(stored).isEmpty());
        assertTrue(events.recentForUser(stored, 5).isEmpty());
        assertTrue(Support.execute(sessions, "rialto:profile-export ipit-erik").contains("Nothing is held"));
    }

    @Test
    public void restExportAndDeleteByTheRawIdNeedTheAdminRole() throws Exception {
        String password = Support.adminPassword();
        String body = "[{\"id\":\"ipit-h1\",\"type\":\"view\",\"user\":\"ipit-hana\",\"item\":\"i00003\","
                + "\"timestamp\":\"2026-01-01T10:00:00Z\",\"campaign\":\"spring\"}]";
        Http.Answer posted = Await.until("the events resource", Duration.ofSeconds(60), () -> {
            Http.Answer a = Http.post("/api/v1/events", body, "admin", password);
            return a.status == 404 || a.status == 503 ? null : a;
        });
        assertEquals(posted.toString(), 200, posted.status);

        Http.Answer export = Await.until("the profiles resource", Duration.ofSeconds(60), () -> {
            Http.Answer a = Http.get("/api/v1/profiles/ipit-hana/export", "admin", password);
            return a.status == 404 && !a.body.contains("nothing is held") || a.status == 503 ? null : a;
        });
        assertEquals(export.toString(), 200, export.status);
        JsonNode json = JSON.readTree(export.body);
        assertEquals(pseudonymiser.userId("ipit-hana"), json.get("user").asText());
        assertEquals("spring", json.get("events").get(0).get("campaign").asText());

        Http.Answer anonymous = Http.delete("/api/v1/profiles/ipit-hana", null, null);
        assertEquals(401, anonymous.status);
        Http.Answer deleted = Http.delete("/api/v1/profiles/ipit-hana", "admin", password);
        assertEquals(deleted.toString(), 200, deleted.status);
        assertEquals(1, JSON.readTree(deleted.body).get("events").asInt());
        assertEquals(404, Http.get("/api/v1/profiles/ipit-hana/export", "admin", password).status);
        assertTrue(events.recentForUser(pseudonymiser.userId("ipit-hana"), 5).isEmpty());
    }
}
