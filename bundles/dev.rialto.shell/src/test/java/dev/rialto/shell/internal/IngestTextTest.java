package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.FileIngestor;
import dev.rialto.api.ingest.FileRun;
import dev.rialto.api.ingest.IngestJournal;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.ingest.SourceStatus;
import dev.rialto.api.privacy.PrivacyService;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestTextTest {
    static final DeadLetter LETTER = new DeadLetter("events", "a.csv", 7, "e7", "type", "type 'fly' is not one of ...",
            "e7,fly,u1\nsecond line", "ps_0123", Fakes.T0);

    static final class Journal implements IngestJournal {
        final List<String> asked = new ArrayList<>();

        @Override
        public int addDeadLetters(Collection<DeadLetter> letters) {
            return 0;
        }

        @Override
        public List<DeadLetter> deadLetters(String source, int limit) {
            asked.add(source + "/" + limit);
            return source == null || source.equals("events") ? List.of(LETTER) : List.of();
        }

        @Override
        public long countDeadLetters(String source) {
            return 12;
        }

        @Override
        public Optional<FileRun> fileRun(String source, String fingerprint) {
            return Optional.empty();
        }

        @Override
        public void saveFileRun(FileRun run) {
        }

        @Override
        public void addToSource(String source, long files, long stored, long duplicates, long rejected, String e) {
        }

        @Override
        public List<SourceStatus> sources() {
            return List.of(new SourceStatus("events", 3, 12_000, 5, 12, "header misses user", Fakes.T0, Fakes.T0),
                    new SourceStatus("http:events:shop", 40, 900, 0, 0, null, null, Fakes.T0));
        }
    }

    private static String console(java.util.function.Consumer<PrintStream> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            body.accept(ps);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ingestDrawsAProgressBarAndPrintsTheReport() {
        List<String> kinds = new ArrayList<>();
        FileIngestor ingestor = (file, kind, progress) -> {
            kinds.add(kind);
            progress.update(0, 2048, 0);
            progress.update(2048, 2048, 40);
            return new IngestReport(file.getFileName().toString(), EntityKind.EVENTS, 40, 38, 1,
                    List.of(new Rejection(5, "e5", "timestamp", "timestamp 'x' is not ...")));
        };
        String text = console(c -> IngestText.ingest(ingestor, Path.of("/tmp/inbox/online-retail/orders.csv"), null,
                c));
        assertEquals(List.of("online-retail"), kinds, "the inbox folder names the mapping");
        assertTrue(text.contains("\r[" + "#".repeat(30) + "] 100% 2.0 KB/2.0 KB 40 records"), text);
        assertTrue(text.contains("read 40, stored 38, duplicates 1, rejected 1"), text);
        assertTrue(text.contains("timestamp 'x' is not"), text);

        console(c -> IngestText.ingest(ingestor, Path.of("x/events-2026.jsonl"), null, c));
        console(c -> IngestText.ingest(ingestor, Path.of("x/whatever.csv"), "profiles", c));
        assertEquals(List.of("online-retail", "events", "profiles"), kinds);
        String unknown = console(c -> IngestText.ingest(ingestor, Path.of("x/whatever.csv"), null, c));
        assertTrue(unknown.contains("--mapping"), unknown);
        assertEquals(IngestText.NO_INGESTOR, console(c -> IngestText.ingest(null, Path.of("a.csv"), null, c)));
        FileIngestor failing = (file, kind, progress) -> {
            throw new IllegalArgumentException("file a.csv does not exist or cannot be read");
        };
        assertEquals("error: file a.csv does not exist or cannot be read\n",
                console(c -> IngestText.ingest(failing, Path.of("a.csv"), "events", c)));
    }

    @Test
    void kindOfAFileComesFromItsInboxFolderOrItsName() {
        assertEquals("items", IngestText.kindOf(Path.of("/srv/rialto/inbox/items/2026.csv")));
        assertEquals("profiles", IngestText.kindOf(Path.of("profiles.csv.gz")));
        assertNull(IngestText.kindOf(Path.of("/tmp/data.csv")));
    }

    @Test
    void statusAndDeadLettersAreTables() {
        Journal journal = new Journal();
        String status = IngestText.status(journal);
        assertTrue(status.startsWith("SOURCE"), status);
        assertTrue(status.contains("12,000") && status.contains("header misses user"), status);
        assertTrue(status.lines().anyMatch(l -> l.startsWith("http:events:shop") && l.trim().endsWith("-")), status);

        String letters = IngestText.deadLetters(journal, "events", 5);
        assertEquals(List.of("events/5"), journal.asked);
        assertTrue(letters.contains("a.csv") && letters.contains("type 'fly'"), letters);
        assertTrue(letters.contains("e7,fly,u1 second line"), "one line per letter: " + letters);
        assertTrue(letters.endsWith("1 of 12 dead letters, newest first\n"), letters);
        assertEquals("No dead letters for other.\n", IngestText.deadLetters(journal, "other", 5));
        assertEquals(IngestText.NO_JOURNAL, IngestText.status(null));
    }

    @Test
    void exportAndForgetNameTheStoredIdAndWhatWasHeld() {
        Profile profile = new Profile("ps_0123", Map.of("email", "ann@example.com", "country", "SE"),
                new Consent(true, null, false), Fakes.T0, Fakes.T0);
        UserData data = new UserData("ps_0123", profile, List.of(new Event("e1", EventType.PURCHASE, "ps_0123", "i1",
                2, Fakes.T0, null, new BigDecimal("9.90"), new EventContext("email", "spring", null, null))),
                List.of(LETTER));
        List<String> calls = new ArrayList<>();
        PrivacyService privacy = new PrivacyService() {
            @Override
            public UserData export(String userId) {
                calls.add("export " + userId);
                return data;
            }

            @Override
            public UserData forget(String userId) {
                calls.add("forget " + userId);
                return userId.equals("nobody") ? new UserData("ps_9", null, List.of(), List.of()) : data;
            }
        };
        String export = IngestText.export(privacy, "ann");
        assertTrue(export.contains("User (stored id): ps_0123"), export);
        assertTrue(export.contains("personalisation=true email=unknown ads=false"), export);
        assertTrue(export.contains("email = ann@example.com"), export);
        assertTrue(export.contains("channel=email campaign=spring") && export.contains("9.90"), export);
        assertTrue(export.contains("Dead letters: 1"), export);
        String forget = IngestText.forget(privacy, "ann");
        assertTrue(forget.startsWith("Forgot ann (stored id ps_0123): profile deleted, 1 events and 1 dead letters"),
                forget);
        assertTrue(IngestText.forget(privacy, "nobody").contains("nothing deleted"));
        assertEquals(List.of("export ann", "forget ann", "forget nobody"), calls);
        assertEquals(IngestText.NO_PRIVACY, IngestText.export(null, "x"));
    }
}
