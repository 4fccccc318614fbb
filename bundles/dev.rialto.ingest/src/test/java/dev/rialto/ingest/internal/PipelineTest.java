package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.FileRun;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.SourceStatus;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the real store (H2): new fields, privacy, dead letters, exactly once, crash and resume. */
class PipelineTest {
    @TempDir
    Path tmp;
    H2Store store;
    CsvIngestor ingestor;

    @BeforeEach
    void setUp() {
        store = new H2Store(tmp.resolve("keys/privacy.key"), "encrypt");
        ingestor = store.ingestor(1000, tmp.resolve("dead"));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    private IngestReport ingest(String kind, String text, String file) {
        return ingestor.ingestCsv(kind, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), file);
    }

    @Test
    void brandPriceContextAndConsentAreParsedAndStored() {
        ingest("items", "id,title,brand,price,colour\ni1,Boots,Acme,59.90,red\ni2,Hat,,5,\n", "items.csv");
        Item i1 = store.items.find("i1").orElseThrow();
        assertEquals("Acme", i1.brand());
        assertEquals(Map.of("colour", "red"), i1.attributes());
        assertNull(store.items.find("i2").orElseThrow().brand());

        IngestReport events = ingest("events", "id,type,user,item,timestamp,price,channel,campaign,slot,creative\n"
                + "e1,impression,u1,,2026-01-01T10:00:00Z,0.002,ads,spring,home-top,cr-7\n"
                + "e2,purchase,u1,i1,2026-01-01T10:05:00Z,59.90,web,,,\n"
                + "e3,purchase,u1,i1,2026-01-01T10:06:00Z,-1,web,,,\n", "events.csv");
        assertEquals(2, events.stored());
        assertEquals("price", events.rejections().get(0).field());
        List<Event> stored = store.events.recentForUser(store.privacy.userId("u1"), 10);
        Event impression = stored.get(1);
        assertEquals(new EventContext("ads", "spring", "home-top", "cr-7"), impression.context());
        assertEquals(new BigDecimal("0.002"), impression.price());
        assertEquals(0, new BigDecimal("59.9").compareTo(stored.get(0).price()));

        IngestReport profiles = ingest("profiles", "id,consent_personalisation,consent_email,consent_ads,country\n"
                + "u1,yes,no,,FR\nu2,,,,DE\nu3,maybe,,,IT\n", "profiles.csv");
        assertEquals(2, profiles.stored());
        assertEquals("consent_personalisation", profiles.rejections().get(0).field());
        Profile u1 = store.profiles.find(store.privacy.userId("u1")).orElseThrow();
        assertEquals(new Consent(true, false, null), u1.consent());
        assertEquals(Map.of("country", "FR"), u1.attributes(), "consent columns are not attributes");
        assertEquals(Consent.UNKNOWN, store.profiles.find(store.privacy.userId("u2")).orElseThrow().consent());
        IngestReport again = ingest("profiles", "id,consent_personalisation,consent_email,consent_ads,country\n"
                + "u1,yes,no,,FR\nu2,,,yes,DE\n", "profiles2.csv");
        assertEquals(1, again.duplicates(), "u1 unchanged");
        assertEquals(1, again.stored(), "u2's consent changed");
    }

    @Test
    void userIdsArePseudonymisedWithAKeyFileMadeOnceWithMode0600() throws Exception {
        ingest("events", "id,type,user,item,timestamp\ne1,view,alice@example.com,i1,2026-01-01T10:00:00Z\n",
                "e.csv");
        Event e1 = store.events.recentForUser(store.privacy.userId("alice@example.com"), 1).get(0);
        assertTrue(e1.userId().matches("ps_[0-9a-f]{32}"), e1.userId());
        assertTrue(store.events.recentForUser("alice@example.com", 1).isEmpty(), "the raw id is not stored");
        assertEquals(e1.userId(), store.privacy.userId(e1.userId()), "a pseudonym maps to itself");
        Path key = tmp.resolve("keys/privacy.key");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(key));
        // A restart reads the same key: the same pseudonym.
        PrivacyGuard again = new PrivacyGuard(store.users);
        again.activate(H2Store.privacyConfig(true, "", key.toString(), "drop"));
        assertEquals(e1.userId(), again.userId("alice@example.com"));
        // Another key, another pseudonym.
        PrivacyGuard other = new PrivacyGuard(store.users);
        other.activate(H2Store.privacyConfig(true, java.util.Base64.getEncoder().encodeToString(new byte[32]), "",
                "drop"));
        assertNotEquals(e1.userId(), other.userId("alice@example.com"));
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> other.activate(H2Store.privacyConfig(true, "AAAA", "", "drop")));
        assertTrue(shortKey.getMessage().contains("key"));
    }

    @Test
    void personalFieldsAreEncryptedAtRestOrDroppedByPolicy() {
        ingest("profiles", "id,email,name,phone,country\nu1,ann@example.com,Ann Lee,+44 1234,GB\n", "p.csv");
        String id = store.privacy.userId("u1");
        Map<String, String> atRest = store.profiles.find(id).orElseThrow().attributes();
        assertEquals("GB", atRest.get("country"));
        for (String field : List.of("email", "name", "phone")) {
            assertTrue(atRest.get(field).startsWith(PrivacyGuard.ENCRYPTED), field + " is encrypted at rest");
            assertFalse(atRest.get(field).contains("Ann"), field);
        }
        Map<String, String> exported = store.privacy.export("u1").profile().attributes();
        assertEquals("ann@example.com", exported.get("email"));
        assertEquals("Ann Lee", exported.get("name"));

        store.privacy.activate(H2Store.privacyConfig(true, "", tmp.resolve("keys/privacy.key").toString(), "drop"));
        ingest("profiles", "id,email,country\nu2,bob@example.com,FR\n", "p2.csv");
        assertEquals(Map.of("country", "FR"),
                store.profiles.find(store.privacy.userId("u2")).orElseThrow().attributes());
    }

    @Test
    void exportAndForgetTakeRawOrStoredIdsAndTellTheChangeFeed() throws Exception {
        List<UserData> heard = new CopyOnWriteArrayList<>();
        store.users.addListener(heard::add);
        ingest("profiles", "id,country,consent_email\nu1,FR,yes\nu2,DE,\n", "p.csv");
        ingest("events", "id,type,user,item,timestamp\ne1,view,u1,i1,2026-01-01T10:00:00Z\n"
                + "e2,purchase,u1,i1,2026-01-01T11:00:00Z\ne3,view,u2,i1,2026-01-01T10:00:00Z\n"
                + "e4,teleport,u1,i1,2026-01-01T10:00:00Z\n", "e.csv");
        UserData export = store.privacy.export("u1");
        assertEquals(store.privacy.userId("u1"), export.userId());
        assertEquals(List.of("e1", "e2"), export.events().stream().map(Event::id).toList());
        assertEquals(Boolean.TRUE, export.profile().consent().email());
        assertEquals(1, export.deadLetters().size(), "the rejected e4 named u1");
        assertEquals(export, store.privacy.export(export.userId()), "the stored id finds the same");

        UserData forgotten = store.privacy.forget("u1");
        assertEquals(2, forgotten.events().size());
        assertEquals(List.of(forgotten), heard);
        assertTrue(store.privacy.export("u1").isEmpty());
        assertEquals(1, store.events.count());
        assertEquals(1, store.profiles.count());
        assertEquals(0, store.count("dead_letters"));
        assertTrue(store.privacy.forget("u1").isEmpty());
        assertEquals(1, heard.size());
    }

    @Test
    void eventsWithoutIdsGetAContentIdAndReingestingStoresNothingTwice() throws Exception {
        String file = "type,user,item,timestamp,price\nview,u1,i1,2026-01-01T10:00:00Z,\n"
                + "view,u1,i1,2026-01-01T10:00:01Z,\npurchase,u2,i2,2026-01-01T10:00:00Z,9.90\n";
        IngestReport first = ingest("events", file, "no-ids.csv");
        assertEquals(3, first.stored());
        IngestReport second = ingest("events", file, "no-ids-copy.csv");
        assertEquals(0, second.stored());
        assertEquals(3, second.duplicates());
        assertEquals(3, store.events.count());
        // the same event over HTTP, price written differently: still the same event
        IngestReport http = ingestor.ingestRecords("events", List.of(Map.of("type", "purchase", "user", "u2",
                "item", "i2", "timestamp", "2026-01-01T10:00:00Z", "price", new BigDecimal("9.9"))), "http:events");
        assertEquals(1, http.duplicates());
        store.events.forEach(null, null, e -> assertTrue(e.id().matches("h:[0-9a-f]{64}"), e.id()));
        assertEquals(3, store.events.count());
        List<SourceStatus> sources = store.journal.sources();
        SourceStatus events = sources.stream().filter(s -> s.source().equals("events")).findFirst().orElseThrow();
        assertEquals(2, events.files());
        assertEquals(3, events.stored());
        assertEquals(3, events.duplicates());
    }

    @Test
    void deadLettersGoToTheTableAndTheFileWithTheirRawRecord() throws Exception {
        IngestReport report = ingest("events", "id,type,user,item,timestamp\n"
                + "e1,view,u1,i1,2026-01-01T10:00:00Z\n"
                + "e2,teleport,u1,i1,2026-01-01T10:00:00Z\n"
                + "e3,view,u1,i1,yesterday\n", "bad.csv");
        assertEquals(1, report.stored());
        List<DeadLetter> letters = store.journal.deadLetters("events", 10);
        assertEquals(2, letters.size());
        DeadLetter e3 = letters.get(0);
        assertEquals("bad.csv", e3.file());
        assertEquals(4, e3.line());
        assertEquals("timestamp", e3.field());
        assertEquals("e3,view,u1,i1,yesterday", e3.raw());
        assertEquals(store.privacy.userId("u1"), e3.userId());
        Path file = tmp.resolve("dead/events/" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".jsonl");
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\"field\":\"type\"") && lines.get(0).contains("\"line\":3"), lines.get(0));
        // the same file again: no new dead letters in the table
        ingest("events", "id,type,user,item,timestamp\n"
                + "e1,view,u1,i1,2026-01-01T10:00:00Z\n"
                + "e2,teleport,u1,i1,2026-01-01T10:00:00Z\n"
                + "e3,view,u1,i1,yesterday\n", "bad.csv");
        assertEquals(2, store.journal.countDeadLetters("events"));
    }

    /** Fails like a process killed between two batches: after {@code batches} appends, an Error, no clean-up. */
    static class CrashingEvents implements EventRepository {
        private final EventRepository delegate;
        private int left;
        /** A store failure (the database went away) instead of a kill. */
        private final boolean storeFails;

        CrashingEvents(EventRepository delegate, int batches) {
            this(delegate, batches, false);
        }

        CrashingEvents(EventRepository delegate, int batches, boolean storeFails) {
            this.delegate = delegate;
            this.left = batches;
            this.storeFails = storeFails;
        }

        @Override
        public int append(Collection<Event> events) {
            if (left-- <= 0) {
                if (storeFails) {
                    throw new RialtoException("Appending " + events.size() + " events failed: connection lost");
                }
                throw new Error("simulated kill -9 between batches");
            }
            return delegate.append(events);
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public List<Event> recentForUser(String userId, int limit) {
            return delegate.recentForUser(userId, limit);
        }

        @Override
        public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
            delegate.forEach(from, to, consumer);
        }

        @Override
        public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
            return delegate.countByItem(types, since);
        }

        @Override
        public Instant newestTimestamp() {
            return delegate.newestTimestamp();
        }
    }

    @Test
    void aCrashBetweenBatchesThenARestartStoresEveryRecordExactlyOnce() throws Exception {
        StringBuilder csv = new StringBuilder("type,user,item,timestamp\n");
        int bad = 0;
        for (int i = 0; i < 10_000; i++) {
            if (i % 997 == 0) {
                csv.append("teleport,u").append(i).append(",i1,2026-01-01T10:00:00Z\n");
                bad++;
            } else {
                csv.append("view,u").append(i % 300).append(",i").append(i % 50).append(',')
                        .append(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)).append('\n');
            }
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        CsvIngestor crashing = store.ingestor(new CrashingEvents(store.events, 4), 1000, tmp.resolve("dead"));
        assertThrows(Error.class, () -> crashing.ingestCsv("events", new ByteArrayInputStream(file), "big.csv"));
        long afterCrash = store.events.count();
        assertEquals(4000, afterCrash, "four batches committed before the kill");
        String fingerprint;
        List<FileRun> runs = new ArrayList<>();
        try (var c = store.dataSource.getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("SELECT fingerprint FROM ingest_files")) {
            rs.next();
            fingerprint = rs.getString(1);
        }
        FileRun interrupted = store.journal.fileRun("events", fingerprint).orElseThrow();
        assertEquals(FileRun.State.RUNNING, interrupted.state(), "not done: the file stays in the inbox");
        runs.add(interrupted);
        long lettersBefore = store.journal.countDeadLetters("events");

        // restart: the same file again, with a healthy store
        IngestReport resumed = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "big.csv");
        assertEquals(10_000 - bad, store.events.count(), "every good record once");
        assertEquals(bad, store.journal.countDeadLetters("events"), "every bad record once");
        assertTrue(lettersBefore < bad);
        assertEquals(10_000 - bad, resumed.stored());
        assertEquals(10_000, resumed.read());
        FileRun done = store.journal.fileRun("events", fingerprint).orElseThrow();
        assertEquals(FileRun.State.DONE, done.state());
        assertEquals(10_000 + 1, done.line());

        // and once more: all duplicates, still nothing twice
        IngestReport again = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "big.csv");
        assertEquals(0, again.stored());
        assertEquals(10_000 - bad, again.duplicates());
        assertEquals(10_000 - bad, store.events.count());
        assertEquals(bad, store.journal.countDeadLetters("events"));
    }

    @Test
    void aStoreFailureMidFileCheckpointsOnlyWhatWasCommittedSoARetryLosesNothing() throws Exception {
        StringBuilder csv = new StringBuilder("id,type,user,item,timestamp\n");
        for (int i = 0; i < 7_500; i++) {
            csv.append('e').append(i).append(",view,u").append(i % 300).append(",i").append(i % 50).append(',')
                    .append(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)).append('\n');
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        // chunks are stored by a writer thread while the next ones are parsed: the failure of the third chunk
        // surfaces while the parser is ahead of it
        CsvIngestor failing = store.ingestor(new CrashingEvents(store.events, 2, true), 1000, tmp.resolve("dead"));
        RialtoException failure = assertThrows(RialtoException.class,
                () -> failing.ingestCsv("events", new ByteArrayInputStream(file), "f.csv"));
        assertTrue(failure.getMessage().contains("connection lost"), failure.getMessage());
        assertEquals(2000, store.events.count());
        String fingerprint;
        try (var c = store.dataSource.getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("SELECT fingerprint FROM ingest_files")) {
            rs.next();
            fingerprint = rs.getString(1);
        }
        FileRun failed = store.journal.fileRun("events", fingerprint).orElseThrow();
        assertEquals(FileRun.State.FAILED, failed.state());
        assertEquals(2000, failed.committed(), "the checkpoint stops at the last committed chunk");
        assertEquals(2001, failed.line(), "line 1 is the header");
        assertEquals(2000, failed.stored());

        IngestReport retried = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "f.csv");
        assertEquals(7_500, store.events.count(), "every record once, none skipped");
        assertEquals(7_500, retried.read());
        assertEquals(7_500, retried.stored());
        assertEquals(0, retried.duplicates());
        assertEquals(FileRun.State.DONE, store.journal.fileRun("events", fingerprint).orElseThrow().state());
    }

    /**
     * Two writer threads (the default for files of events) store adjacent chunks at once: rows repeated in the next
     * chunk in the opposite order (which would make two transactions wait on each other's row locks) and rows
     * repeated far apart are stored once, the journal ends DONE with the exact counts, and every user's recent
     * events (the store's in-memory history on H2) are the user's stored events, newest first.
     */
    @Test
    void twoWritersStoreEachEventOnceAcrossChunksAndTheRecentHistoryFollows() throws Exception {
        CsvIngestor twoWriters = new CsvIngestor(store.items, store.events, store.profiles, store.journal,
                store.privacy);
        twoWriters.activate(Fakes.config("UTC", 100, 65536, 10000, "", tmp.resolve("dead").toString(), 2));
        StringBuilder csv = new StringBuilder("id,type,user,item,timestamp\n");
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(i);
        }
        for (int i = 99; i >= 0; i--) {
            rows.add(100 + (99 - i), i); // the second chunk repeats the first one's rows backwards
        }
        for (int i = 0; i < 3000; i += 7) {
            rows.add(i); // and rows far apart repeat too
        }
        for (int i : rows) {
            csv.append('e').append(i).append(",view,u").append(i % 40).append(",i").append(i % 50).append(',')
                    .append(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i % 500)).append('\n');
        }
        IngestReport report = twoWriters.ingestCsv("events",
                new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "two.csv");
        assertEquals(rows.size(), report.read());
        assertEquals(3000, report.stored());
        assertEquals(rows.size() - 3000, report.duplicates());
        assertEquals(3000, store.events.count());
        FileRun done;
        try (var c = store.dataSource.getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT fingerprint FROM ingest_files")) {
            rs.next();
            done = store.journal.fileRun("events", rs.getString(1)).orElseThrow();
        }
        assertEquals(FileRun.State.DONE, done.state());
        assertEquals(3000, done.stored());
        int held = 0;
        for (int u = 0; u < 40; u++) {
            List<Event> stored = new ArrayList<>(store.privacy.export("u" + u).events());
            java.util.Collections.reverse(stored);
            assertEquals(stored, store.events.recentForUser(store.privacy.userId("u" + u), 1000), "u" + u);
            held += stored.size();
        }
        assertEquals(3000, held);
    }

    /**
     * With two writers, four chunks are handed over at most: while the oldest chunk is still being stored, the other
     * writer stores the next three (it used to wait for the oldest). Their checkpoints still wait for it, so when the
     * oldest never commits (kill -9 there), the journal has nothing past it, and the restart stores every record
     * exactly once: the three younger chunks are met again as duplicates.
     */
    @Test
    void youngerChunksAreStoredWhileTheOldestIsStuckAndItsCrashLosesAndRepeatsNothing() throws Exception {
        StringBuilder csv = new StringBuilder("id,type,user,item,timestamp\n");
        for (int i = 0; i < 1000; i++) {
            csv.append('e').append(i).append(",view,u").append(i % 30).append(",i").append(i % 50).append(',')
                    .append(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)).append('\n');
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.CountDownLatch youngerStored = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.CountDownLatch kill = new java.util.concurrent.CountDownLatch(1);
        CrashingEvents stuck = new CrashingEvents(store.events, Integer.MAX_VALUE) {
            @Override
            public int append(Collection<Event> events) {
                boolean oldest = events.stream().anyMatch(e -> e.id().equals("e0"));
                if (oldest) {
                    try {
                        kill.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new Error("simulated kill -9 while the oldest chunk was being stored");
                }
                int n = super.append(events);
                youngerStored.countDown();
                return n;
            }
        };
        CsvIngestor twoWriters = new CsvIngestor(store.items, stuck, store.profiles, store.journal, store.privacy);
        twoWriters.activate(Fakes.config("UTC", 100, 65536, 10000, "", tmp.resolve("dead").toString(), 2));
        java.util.concurrent.CompletableFuture<IngestReport> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> twoWriters.ingestCsv("events", new ByteArrayInputStream(file), "stuck.csv"));
        assertTrue(youngerStored.await(30, java.util.concurrent.TimeUnit.SECONDS),
                "three younger chunks stored while the oldest is stuck");
        assertEquals(300, store.events.count());
        try (var c = store.dataSource.getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT fingerprint FROM ingest_files")) {
            if (rs.next()) {
                assertEquals(0, store.journal.fileRun("events", rs.getString(1)).orElseThrow().committed(),
                        "no checkpoint passes the oldest chunk");
            }
        }
        kill.countDown();
        java.util.concurrent.ExecutionException killed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> run.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(killed.getCause() instanceof Error, String.valueOf(killed.getCause()));

        IngestReport resumed = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "stuck.csv");
        assertEquals(1000, store.events.count(), "every record once");
        assertEquals(700, resumed.stored());
        assertEquals(300, resumed.duplicates(), "the younger chunks committed before the kill, met again");
    }

    @Test
    void fileIngestionReportsProgress() throws Exception {
        Path file = tmp.resolve("events.csv");
        StringBuilder csv = new StringBuilder("type,user,item,timestamp\n");
        for (int i = 0; i < 5000; i++) {
            csv.append("view,u").append(i).append(",i1,2026-01-01T10:00:00Z\n");
        }
        Files.writeString(file, csv);
        List<long[]> ticks = new CopyOnWriteArrayList<>();
        IngestReport report = ingestor.ingestFile(file, "events", (bytes, total, records) ->
                ticks.add(new long[] {bytes, total, records}));
        assertEquals(5000, report.stored());
        assertTrue(ticks.size() >= 3, "ticks: " + ticks.size());
        long[] last = ticks.get(ticks.size() - 1);
        assertEquals(Files.size(file), last[0]);
        assertEquals(Files.size(file), last[1]);
        assertEquals(5000, last[2]);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestFile(tmp.resolve("nope.csv"), "events", null));
        assertTrue(missing.getMessage().contains("nope.csv"));
    }
}
