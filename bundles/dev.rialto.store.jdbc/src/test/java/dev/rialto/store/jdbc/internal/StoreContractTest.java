package dev.rialto.store.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.FileRun;
import dev.rialto.api.ingest.SourceStatus;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The repositories' behaviour; run on H2 (both modes) and on a real PostgreSQL server by the subclasses. */
abstract class StoreContractTest {
    private static final Logger LOG = LoggerFactory.getLogger(StoreContractTest.class);
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    TrackingDataSource dataSource;
    JdbcItemRepository items;
    JdbcEventRepository events;
    JdbcProfileRepository profiles;

    /** A DataSource on a fresh, empty database (or schema) for one test. */
    abstract TrackingDataSource newDataSource() throws Exception;

    /** Throws away what {@link #newDataSource()} made; called after every test, also a failed one. */
    abstract void discard(TrackingDataSource dataSource) throws Exception;

    /** The database under test, for the log. */
    abstract String database();

    /** How many events the append measurement writes. */
    int manyEvents() {
        return 100_000;
    }

    @BeforeEach
    void setUp() throws Exception {
        dataSource = newDataSource();
        items = new JdbcItemRepository(dataSource);
        items.activate(Configs.config(7, 3, true)); // small batches so that chunking is exercised
        events = new JdbcEventRepository(dataSource);
        events.activate(Configs.config(7, 3, true));
        events.awaitHistory(); // its scan holds a connection: done before the leak check
        profiles = new JdbcProfileRepository(dataSource);
        profiles.activate(Configs.config(7, 3, true));
    }

    @AfterEach
    void noLeakedConnections() throws Exception {
        if (dataSource == null) {
            return;
        }
        try {
            assertEquals(0, dataSource.open.get(), "connections left open");
        } finally {
            discard(dataSource);
        }
    }

    static Item item(String id, String title) {
        return new Item(id, title, "about " + title, "Books > Fiction", new BigDecimal("9.99"), "EUR", true, "en",
                Map.of("brand", "Acme"));
    }

    static Event event(String id, EventType type, String user, String item, Instant ts) {
        return new Event(id, type, user, item, 1, ts);
    }

    // --- migrations

    @Test
    void migrationsCreateTheSchemaOnceAndRecordIt() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("items", "profiles", "events", "dead_letters", "ingest_files",
                    "ingest_sources")) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), table);
                }
            }
            // Flyway quotes its table and columns in lower case, whatever the mode.
            try (ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + Migrations.HISTORY_TABLE
                    + "\" WHERE \"success\" = TRUE AND \"version\" IS NOT NULL")) {
                List<String> versions = new ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
                List<String> expected = new ArrayList<>(Migrations.SCRIPTS);
                Migrations.JAVA.forEach(m -> expected.add(m.getSimpleName()));
                assertEquals(expected.stream().map(f -> f.substring(1, f.indexOf("__"))).sorted().toList(),
                        versions.stream().sorted().toList());
            }
        }
        assertEquals(0, Migrations.migrate(dataSource), "a second run applies nothing");
        // V13: H2 serves a user's recent events from memory and has no index on them; PostgreSQL keeps it.
        try (Connection c = dataSource.getConnection()) {
            assertEquals(!RecentHistory.isH2(c), indexes(c, "events").contains("events_user_ts"),
                    "events_user_ts on " + database());
            assertTrue(indexes(c, "events").contains("events_ts"), database());
        }
    }

    static List<String> indexes(Connection c, String table) throws java.sql.SQLException {
        List<String> names = new ArrayList<>();
        for (String t : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, t, false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        names.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }

    // --- items

    @Test
    void itemsUpsertFindCountAndStreamInIdOrder() {
        List<Item> batch = new ArrayList<>();
        for (int i = 19; i >= 0; i--) {
            batch.add(item(String.format("i%02d", i), "Title " + i));
        }
        items.upsert(batch);
        assertEquals(20, items.count());

        Item found = items.find("i03").orElseThrow();
        assertEquals("Title 3", found.title());
        assertEquals("about Title 3", found.description());
        assertEquals("Books > Fiction", found.category());
        assertEquals(0, new BigDecimal("9.99").compareTo(found.price()));
        assertEquals("EUR", found.currency());
        assertTrue(found.available());
        assertEquals(Map.of("brand", "Acme"), found.attributes());
        assertEquals(Optional.empty(), items.find("nope"));

        Map<String, Item> some = items.findAll(List.of("i01", "i05", "i01", "missing"));
        assertEquals(2, some.size());
        assertEquals("Title 5", some.get("i05").title());

        List<String> order = new ArrayList<>();
        items.forEach(item -> order.add(item.id()));
        assertEquals(20, order.size());
        assertEquals(order.stream().sorted().toList(), order);
    }

    @Test
    void upsertReplacesAndKeepsOddValues() {
        items.upsert(List.of(item("a", "Old")));
        Item replaced = new Item("a", "New", "", "", null, null, false, "zh",
                Map.of("quote\"", "line\nbreak\\ \u00e9\u4e2d", "empty", ""));
        items.upsert(List.of(replaced, item("b", "B")));
        assertEquals(2, items.count());
        assertEquals(replaced, items.find("a").orElseThrow());
    }

    @Test
    void pricesComeBackWithoutPadding() {
        items.upsert(List.of(new Item("p", "P", "", "", new BigDecimal("10"), "USD", true, "en", Map.of())));
        assertEquals(new BigDecimal("10"), items.find("p").orElseThrow().price());
        assertEquals(new BigDecimal("9.9"), JdbcItemRepository.price(new BigDecimal("9.9000")));
    }

    @Test
    void itemListenersRunAfterCommitAndOneFailingDoesNotStopTheOthers() {
        List<List<Item>> seen = new CopyOnWriteArrayList<>();
        List<Long> countsSeen = new CopyOnWriteArrayList<>();
        items.addListener(stored -> {
            throw new IllegalStateException("listener bug");
        });
        ItemChangeListener good = stored -> {
            seen.add(stored);
            countsSeen.add(items.count()); // another connection: sees the rows only once committed
        };
        items.addListener(good);
        items.upsert(List.of(item("x", "X"), item("y", "Y")));
        assertEquals(1, seen.size());
        assertEquals(List.of("x", "y"), seen.get(0).stream().map(Item::id).toList());
        assertEquals(List.of(2L), countsSeen);

        items.removeListener(good);
        items.upsert(List.of(item("z", "Z")));
        assertEquals(1, seen.size());
    }

    // --- events

    @Test
    void appendStoresOnlyNewIdsAndNotifiesExactlyThose() {
        List<List<Event>> notified = new CopyOnWriteArrayList<>();
        List<Long> countsSeen = new CopyOnWriteArrayList<>();
        EventListener listener = stored -> {
            notified.add(stored);
            countsSeen.add(events.count());
        };
        events.addListener(listener);

        List<Event> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(event("e" + i, EventType.VIEW, "u1", "i" + i, T0.plusSeconds(i)));
        }
        assertEquals(10, events.append(first));
        events.awaitChangeFeed(); // the listeners hear on the feed's thread, after the append returned

        List<Event> second = List.of(
                event("e3", EventType.VIEW, "u1", "i3", T0),                  // known
                event("e10", EventType.PURCHASE, "u2", "i1", T0.plusSeconds(60)), // new
                event("e10", EventType.PURCHASE, "u2", "i1", T0.plusSeconds(60)), // repeated in the call
                event("e9", EventType.VIEW, "u1", "i9", T0),                  // known
                new Event("e11", EventType.SEARCH, "u2", null, 1, T0.plusSeconds(61), "red shoes"));
        assertEquals(2, events.append(second));
        assertEquals(12, events.count());
        assertEquals(0, events.append(second));
        events.awaitChangeFeed();

        assertEquals(2, notified.size(), "no call for an append that stored nothing");
        assertEquals(10, notified.get(0).size());
        assertEquals(List.of("e10", "e11"), notified.get(1).stream().map(Event::id).toList());
        assertEquals(List.of(10L, 12L), countsSeen);
    }

    @Test
    void recentForUserIsNewestFirstAndLimited() {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(event("e" + i, EventType.CLICK, i % 2 == 0 ? "even" : "odd", "i" + i, T0.plusSeconds(i * 10L)));
        }
        java.util.Collections.shuffle(batch, new java.util.Random(7));
        events.append(batch);

        List<Event> recent = events.recentForUser("even", 4);
        assertEquals(List.of("e28", "e26", "e24", "e22"), recent.stream().map(Event::id).toList());
        Event newest = recent.get(0);
        assertEquals(T0.plusSeconds(280), newest.timestamp());
        assertEquals(EventType.CLICK, newest.type());
        assertEquals("i28", newest.itemId());
        assertEquals(15, events.recentForUser("odd", 100).size());
        assertEquals(List.of(), events.recentForUser("nobody", 5));
        assertEquals(List.of(), events.recentForUser("even", 0));
    }

    @Test
    void countByItemFiltersTypesAndTime() {
        events.append(List.of(
                event("1", EventType.VIEW, "u", "a", T0),
                event("2", EventType.VIEW, "u", "a", T0.plusSeconds(100)),
                event("3", EventType.PURCHASE, "u", "a", T0.plusSeconds(200)),
                event("4", EventType.PURCHASE, "u", "b", T0.plusSeconds(300)),
                event("5", EventType.ADD_TO_CART, "u", "b", T0.plusSeconds(400)),
                new Event("6", EventType.SEARCH, "u", null, 1, T0.plusSeconds(500), "q")));

        assertEquals(Map.of("a", 3L, "b", 2L), events.countByItem(null, null));
        assertEquals(Map.of("a", 2L), events.countByItem(EnumSet.of(EventType.VIEW), null));
        assertEquals(Map.of("a", 1L, "b", 2L),
                events.countByItem(EnumSet.of(EventType.PURCHASE, EventType.ADD_TO_CART), null));
        assertEquals(Map.of("a", 1L, "b", 1L),
                events.countByItem(EnumSet.of(EventType.PURCHASE, EventType.VIEW), T0.plusSeconds(150)));
        assertEquals(Map.of(), events.countByItem(EnumSet.of(EventType.VIEW), T0.plusSeconds(1000)));
    }

    @Test
    void forEachStreamsAHalfOpenRangeInTimeOrder() {
        List<Event> batch = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            batch.add(event("e" + i, EventType.VIEW, "u", "i", T0.plus(i, ChronoUnit.HOURS)));
        }
        events.append(batch);
        List<String> all = new ArrayList<>();
        events.forEach(null, null, e -> all.add(e.id()));
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"), all);

        List<String> range = new ArrayList<>();
        events.forEach(T0.plus(2, ChronoUnit.HOURS), T0.plus(5, ChronoUnit.HOURS), e -> range.add(e.id()));
        assertEquals(List.of("e2", "e3", "e4"), range);

        List<String> from = new ArrayList<>();
        events.forEach(T0.plus(8, ChronoUnit.HOURS), null, e -> from.add(e.id()));
        assertEquals(List.of("e8", "e9"), from);

        assertEquals(T0.plus(9, ChronoUnit.HOURS), events.newestTimestamp());
    }

    @Test
    void newestTimestampIsNullWhenEmpty() {
        assertNull(events.newestTimestamp());
        assertEquals(0, events.count());
    }

    @Test
    void chunkInsertsStoreEveryFieldAndFallBackToOnlyTheNewIdsOfAChunk() {
        JdbcEventRepository wide = new JdbcEventRepository(dataSource);
        wide.activate(Configs.config(200, 3, true)); // chunks of 200: 3 groups of 64 rows and one of 8
        List<List<Event>> notified = new CopyOnWriteArrayList<>();
        wide.addListener(notified::add);
        List<Event> first = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            first.add(new Event("m" + i, i % 2 == 0 ? EventType.PURCHASE : EventType.VIEW, "u" + (i % 7),
                    "i" + i, 1 + i % 3, T0.plusSeconds(i), i % 11 == 0 ? "q" + i : null,
                    i % 2 == 0 ? new BigDecimal(i + ".25") : null,
                    new EventContext(i % 3 == 0 ? "web" : null, "c" + i, null, i % 4 == 0 ? "cr" + i : null)));
        }
        assertEquals(150, wide.append(first));
        // ids 100..349: 50 known ones at the start of the first chunk, 200 new ones
        List<Event> second = new ArrayList<>();
        for (int i = 100; i < 350; i++) {
            second.add(new Event("m" + i, EventType.CLICK, "v", "j" + i, 1, T0.plusSeconds(1000 + i)));
        }
        assertEquals(200, wide.append(second));
        assertEquals(350, wide.count());
        wide.awaitChangeFeed();
        assertEquals(2, notified.size());
        assertEquals(150, notified.get(0).size());
        assertEquals(second.subList(50, 250), notified.get(1));

        Map<String, Event> stored = new java.util.HashMap<>();
        wide.forEach(null, null, e -> stored.put(e.id(), e));
        assertEquals(350, stored.size());
        for (Event e : first) {
            Event back = stored.get(e.id());
            assertEquals(e.type(), back.type(), e.id());
            assertEquals(e.userId(), back.userId(), e.id());
            assertEquals(e.itemId(), back.itemId(), e.id());
            assertEquals(e.quantity(), back.quantity(), e.id());
            assertEquals(e.timestamp(), back.timestamp(), e.id());
            assertEquals(e.query(), back.query(), e.id());
            assertEquals(e.price() == null, back.price() == null, e.id());
            if (e.price() != null) {
                assertEquals(0, e.price().compareTo(back.price()), e.id());
            }
            assertEquals(e.context(), back.context(), e.id());
        }
        assertEquals(EventType.PURCHASE, stored.get("m100").type(), "a known id keeps its first version");
        assertEquals("j349", stored.get("m349").itemId());
    }

    @Test
    void aKnownIdInALaterChunkKeepsTheChunksBeforeItAndGroupsOfBothShapesStoreTheirFields() {
        JdbcEventRepository small = new JdbcEventRepository(dataSource);
        small.activate(Configs.config(100, 3, true)); // chunks of 100: 64, 32 and 4 rows
        List<Event> known = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            known.add(new Event("k" + i, EventType.VIEW, "u", "i" + i, 1, T0.plusSeconds(i)));
        }
        assertEquals(100, small.append(known));
        // chunk 1: 100 new events, every 7th with a query (groups of both shapes); chunk 2: 50 known, 50 new
        List<Event> next = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            next.add(new Event("n" + i, EventType.SEARCH, "v", null, 1, T0.plusSeconds(200 + i),
                    i % 7 == 0 ? "q" + i : null, null, EventContext.NONE));
        }
        for (int i = 0; i < 100; i++) {
            next.add(i % 2 == 0 ? known.get(i) : new Event("p" + i, EventType.PURCHASE, "w", "i" + i, 2,
                    T0.plusSeconds(400 + i), null, new BigDecimal("1.5"), new EventContext("app", null, null, null)));
        }
        assertEquals(150, small.append(next));
        assertEquals(250, small.count());
        Map<String, Event> stored = new java.util.HashMap<>();
        small.forEach(null, null, e -> stored.put(e.id(), e));
        for (int i = 0; i < 100; i++) {
            Event back = stored.get("n" + i);
            assertEquals(i % 7 == 0 ? "q" + i : null, back.query(), back.id());
            assertNull(back.price(), back.id());
            assertEquals(EventContext.NONE, back.context(), back.id());
            assertEquals(T0.plusSeconds(200 + i), back.timestamp(), back.id());
        }
        for (int i = 1; i < 100; i += 2) {
            Event back = stored.get("p" + i);
            assertEquals(0, new BigDecimal("1.5").compareTo(back.price()), back.id());
            assertEquals(new EventContext("app", null, null, null), back.context(), back.id());
            assertEquals(2, back.quantity(), back.id());
        }
    }

    @Test
    void appendingManyEventsIsFast() {
        JdbcEventRepository fast = new JdbcEventRepository(dataSource);
        fast.activate(Configs.defaults());
        int n = manyEvents();
        List<Event> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(new Event("ev-" + i, EventType.VIEW, "user-" + (i % 1000), "item-" + (i % 5000), 1,
                    T0.plusMillis(i)));
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int stored = fast.append(batch);
        // CPU time too: wall time on a shared build machine says little.
        LOG.info("Appended {} events in {} ms wall, {} ms CPU in this thread ({})", stored,
                (System.nanoTime() - start) / 1_000_000, (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000,
                database());
        assertEquals(n, stored);
        assertEquals(n, fast.count());

        start = System.nanoTime();
        assertEquals(0, fast.append(batch.subList(0, 10_000)));
        LOG.info("Re-appended 10000 known events in {} ms ({})", (System.nanoTime() - start) / 1_000_000, database());
        long[] streamed = {0};
        start = System.nanoTime();
        fast.forEach(null, null, e -> streamed[0]++);
        assertEquals(n, streamed[0]);
        LOG.info("Streamed {} events in {} ms ({})", n, (System.nanoTime() - start) / 1_000_000, database());
    }

    // --- profiles

    @Test
    void profileUpsertKeepsCreatedAndReplacesAttributes() {
        Instant created = T0;
        profiles.upsert(List.of(new Profile("p1", Map.of("country", "FR"), created, created),
                new Profile("p2", Map.of(), created, created)));
        assertEquals(2, profiles.count());

        Instant later = T0.plusSeconds(3600);
        profiles.upsert(List.of(new Profile("p1", Map.of("country", "DE", "segment", "vip"), later, later),
                new Profile("p3", Map.of("x", "y"), later, later)));
        assertEquals(3, profiles.count());
        Profile p1 = profiles.find("p1").orElseThrow();
        assertEquals(created, p1.created());
        assertEquals(later, p1.updated());
        assertEquals(Map.of("country", "DE", "segment", "vip"), p1.attributes());
        assertEquals(later, profiles.find("p3").orElseThrow().created());
        assertTrue(profiles.find("nobody").isEmpty());
        Map<String, Profile> some = profiles.findAll(List.of("p1", "p3", "p1", "nobody"));
        assertEquals(java.util.Set.of("p1", "p3"), some.keySet());
        assertEquals(p1, some.get("p1"));
    }

    // --- version 2: brand, event price and context, consent

    @Test
    void brandPriceContextAndConsentRoundTrip() {
        items.upsert(List.of(new Item("b1", "Boots", "", "Shoes", new BigDecimal("59.90"), "EUR", true, "en",
                Map.of("colour", "red"), "Acme"), new Item("b2", "Plain", "", "", null, null, true, "en", Map.of(),
                null)));
        assertEquals("Acme", items.find("b1").orElseThrow().brand());
        assertNull(items.find("b2").orElseThrow().brand());

        EventContext context = new EventContext("ads", "spring", "home-top", "cr-7");
        events.append(List.of(
                new Event("x1", EventType.AD_CLICK, "u1", null, 1, T0, null, new BigDecimal("0.35"), context),
                new Event("x2", EventType.PURCHASE, "u1", "b1", 2, T0.plusSeconds(1), null, new BigDecimal("59.9"),
                        new EventContext("web", null, null, null)),
                new Event("x3", EventType.VIEW, "u1", "b2", 1, T0.plusSeconds(2))));
        List<Event> recent = events.recentForUser("u1", 10);
        assertEquals(List.of("x3", "x2", "x1"), recent.stream().map(Event::id).toList());
        assertEquals(context, recent.get(2).context());
        assertEquals(new BigDecimal("0.35"), recent.get(2).price());
        assertEquals(0, new BigDecimal("59.90").compareTo(recent.get(1).price()));
        assertEquals("web", recent.get(1).context().channel());
        assertNull(recent.get(0).price());
        assertTrue(recent.get(0).context().isEmpty());

        profiles.upsert(List.of(new Profile("c1", Map.of(), new Consent(true, false, null), T0, T0),
                new Profile("c2", Map.of(), T0, T0)));
        assertEquals(new Consent(true, false, null), profiles.find("c1").orElseThrow().consent());
        assertEquals(Consent.UNKNOWN, profiles.find("c2").orElseThrow().consent());
        profiles.upsert(List.of(new Profile("c1", Map.of(), new Consent(null, true, true), T0, T0)));
        assertEquals(new Consent(null, true, true), profiles.find("c1").orElseThrow().consent());
    }

    // --- ingestion journal

    @Test
    void deadLettersAreKeptOncePerOriginAndListedNewestFirst() {
        JdbcIngestJournal journal = new JdbcIngestJournal(dataSource);
        journal.activate(Configs.config(3, 3, true));
        String big = "x".repeat(5000);
        List<DeadLetter> letters = new ArrayList<>();
        for (int line = 1; line <= 5; line++) {
            letters.add(new DeadLetter("events", "a.csv", line, "e" + line, "type", "bad type", big, "u" + line,
                    T0.plusSeconds(line)));
        }
        letters.add(new DeadLetter("http:events", null, 1, null, "*", "not an object", "[1]", null, T0));
        // NUL, which PostgreSQL refuses in text, in every text field
        letters.add(new DeadLetter("events", "nul\u0000.csv", 9, "e\u00009", "f\u0000", "bad \u0000 text",
                "a\u0000b", null, T0));
        assertEquals(7, journal.addDeadLetters(letters));
        assertEquals(0, journal.addDeadLetters(letters), "kept once per source, file and line");
        assertEquals(1, journal.addDeadLetters(List.of(new DeadLetter("events", "b.csv", 1, null, "*", "x", null,
                null, T0))));
        assertEquals(8, journal.countDeadLetters(null));
        assertEquals(7, journal.countDeadLetters("events"));
        List<DeadLetter> newest = journal.deadLetters("events", 2);
        assertEquals(2, newest.size());
        assertEquals("b.csv", newest.get(0).file());
        assertEquals("a\uFFFDb", newest.get(1).raw());
        newest = journal.deadLetters("events", 3);
        assertEquals(5, newest.get(2).line());
        newest = List.of(newest.get(0), newest.get(2));
        assertTrue(newest.get(1).raw().length() <= DeadLetter.MAX_RAW);
        assertTrue(newest.get(1).raw().endsWith("...[5000 chars]"));
        DeadLetter http = journal.deadLetters("http:events", 10).get(0);
        assertNull(http.file());
        assertEquals("[1]", http.raw());
    }

    @Test
    void fileRunsAndSourceTotalsAreSavedAndAdded() {
        JdbcIngestJournal journal = new JdbcIngestJournal(dataSource);
        journal.activate(Configs.defaults());
        assertTrue(journal.fileRun("events", "abc").isEmpty());
        FileRun running = new FileRun("events", "a.csv", "abc", 1000, 1001, 990, 5, 5, FileRun.State.RUNNING, null,
                T0, T0);
        journal.saveFileRun(running);
        assertEquals(running, journal.fileRun("events", "abc").orElseThrow());
        FileRun done = new FileRun("events", "a.csv", "abc", 1500, 1501, 1480, 10, 10, FileRun.State.DONE, null,
                T0, T0.plusSeconds(5));
        journal.saveFileRun(done);
        assertEquals(done, journal.fileRun("events", "abc").orElseThrow());

        journal.addToSource("events", 1, 100, 2, 3, null);
        journal.addToSource("events", 1, 50, 0, 1, "header misses user");
        journal.addToSource("http:events", 1, 7, 0, 0, null);
        List<SourceStatus> sources = journal.sources();
        assertEquals(List.of("events", "http:events"), sources.stream().map(SourceStatus::source).toList());
        SourceStatus events = sources.get(0);
        assertEquals(2, events.files());
        assertEquals(150, events.stored());
        assertEquals(2, events.duplicates());
        assertEquals(4, events.rejected());
        assertEquals("header misses user", events.lastError());
        assertTrue(events.lastErrorAt() != null);
        assertNull(sources.get(1).lastError());
    }

    // --- one user's data

    @Test
    void userDataIsReadAndDeletedWholeAndListenersHearAfterCommit() {
        JdbcUserDataRepository users = new JdbcUserDataRepository(dataSource);
        users.activate(Configs.defaults());
        JdbcIngestJournal journal = new JdbcIngestJournal(dataSource);
        journal.activate(Configs.defaults());
        List<dev.rialto.api.privacy.UserData> heard = new CopyOnWriteArrayList<>();
        users.addListener(heard::add);
        profiles.upsert(List.of(new Profile("u1", Map.of("country", "FR"), new Consent(true, null, false), T0, T0),
                new Profile("u2", Map.of(), T0, T0)));
        events.append(List.of(new Event("e1", EventType.VIEW, "u1", "i1", 1, T0),
                new Event("e2", EventType.PURCHASE, "u1", "i1", 1, T0.plusSeconds(5)),
                new Event("e3", EventType.VIEW, "u2", "i1", 1, T0)));
        journal.addDeadLetters(List.of(new DeadLetter("events", "a.csv", 9, "e9", "type", "bad", "raw", "u1", T0)));

        dev.rialto.api.privacy.UserData found = users.find("u1");
        assertEquals("FR", found.profile().attributes().get("country"));
        assertEquals(List.of("e1", "e2"), found.events().stream().map(Event::id).toList());
        assertEquals(1, found.deadLetters().size());
        assertTrue(heard.isEmpty());

        dev.rialto.api.privacy.UserData deleted = users.delete("u1");
        assertEquals(found, deleted);
        assertEquals(List.of(deleted), heard);
        assertTrue(users.find("u1").isEmpty());
        assertTrue(profiles.find("u1").isEmpty());
        assertEquals(1, events.count());
        assertEquals(0, journal.countDeadLetters(null));
        assertTrue(profiles.find("u2").isPresent());

        assertTrue(users.delete("nobody").isEmpty());
        assertEquals(1, heard.size(), "nothing deleted, nothing told");
        assertEquals(List.of(), events.recentForUser("u1", 10), "the recent-event history forgot the user");
        assertEquals(List.of("e3"), events.recentForUser("u2", 10).stream().map(Event::id).toList());
    }

    /**
     * The change feed: event listeners hear on a thread of their own, after the append returned, in the order of the
     * appends; an erasure's listeners hear after every event notification handed over before it, and before the
     * erasure returns, so that a listener never counts an erased event again. A listener that stores events itself
     * does not wait for its own feed.
     */
    @Test
    void listenersHearEventsInOrderOnTheFeedAndAnErasureAfterThem() throws Exception {
        JdbcUserDataRepository users = new JdbcUserDataRepository(dataSource);
        users.activate(Configs.defaults());
        List<String> heard = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        EventListener slow = stored -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stored.forEach(e -> heard.add("stored " + e.id()));
            if (stored.get(0).id().equals("f1")) {
                events.append(List.of(new Event("f1-echo", EventType.CLICK, "u9", "i1", 1, T0))); // re-entrant
            }
        };
        events.addListener(slow);
        users.addListener(data -> heard.add("deleted " + data.events().size()));
        for (int i = 0; i < 3; i++) {
            assertEquals(1, events.append(List.of(new Event("f" + i, EventType.VIEW, "u1", "i1", 1,
                    T0.plusSeconds(i)))));
        }
        assertTrue(heard.isEmpty(), "the appends returned before their listeners ran");
        assertEquals(3, events.count());
        assertEquals(3, events.recentForUser("u1", 10).size(), "the recent history is kept before the append returns");

        java.util.concurrent.CompletableFuture<dev.rialto.api.privacy.UserData> erasure =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> users.delete("u1"));
        Thread.sleep(200);
        assertFalse(erasure.isDone(), "the erasure waits for the event notifications handed over before it");
        release.countDown();
        assertEquals(3, erasure.get(30, java.util.concurrent.TimeUnit.SECONDS).events().size());
        events.awaitChangeFeed();
        // f1's listener stored f1-echo: told at once, on the same thread, not queued behind itself
        assertEquals(List.of("stored f0", "stored f1", "stored f1-echo", "stored f2", "deleted 3"), heard);
        assertEquals(Set.of("rialto-change-feed"), threads);
    }

    // --- the recent-event history (H2; on PostgreSQL the same calls go to SQL and must agree all the same)

    /**
     * Random events of 40 users (ties on time, sub-microsecond times, prices of 6 decimals, queries, contexts,
     * re-sent ids), random erasures, a history of 20 events per user so that long histories are truncated: every
     * user's recent events equal the SQL answer for every limit, before and after a restart that rebuilds the
     * history from the table.
     */
    @Test
    void recentHistoryEqualsTheSqlAnswerAfterRandomAppendsErasuresAndARestart() {
        java.util.Random random = new java.util.Random(42);
        JdbcEventRepository small = new JdbcEventRepository(dataSource);
        small.activate(Configs.config(7, 3, true, 20));
        JdbcUserDataRepository users = new JdbcUserDataRepository(dataSource);
        users.activate(Configs.defaults());
        List<Event> sent = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add(randomEvent(random, "r" + round + "-" + i));
            }
            if (!sent.isEmpty()) {
                batch.add(sent.get(random.nextInt(sent.size()))); // re-sent: stored once
            }
            sent.addAll(batch);
            small.append(batch);
            if (round % 7 == 6) {
                String victim = "user" + random.nextInt(40);
                users.delete(victim);
                assertEquals(List.of(), small.recentForUser(victim, 5), victim);
            }
        }
        assertHistoryMatchesSql(small);
        RecentHistory.detach(dataSource); // a restart: the next repository loads the table anew
        JdbcEventRepository restarted = new JdbcEventRepository(dataSource);
        restarted.activate(Configs.config(7, 3, true, 20));
        restarted.awaitHistory();
        assertHistoryMatchesSql(restarted);
        restarted.append(List.of(randomEvent(random, "after")));
        assertHistoryMatchesSql(restarted);
    }

    /** Appends and erasures while a restarted history scans the table: nothing lost, nothing forgotten comes back. */
    @Test
    void recentHistoryLoadingBesideAppendsAndErasuresEndsEqualToSql() throws Exception {
        java.util.Random random = new java.util.Random(7);
        List<Event> first = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            first.add(randomEvent(random, "a" + i));
        }
        events.append(first);
        JdbcUserDataRepository users = new JdbcUserDataRepository(dataSource);
        users.activate(Configs.defaults());
        RecentHistory.detach(dataSource);
        JdbcEventRepository restarted = new JdbcEventRepository(dataSource);
        restarted.activate(Configs.config(100, 3, true, 50));
        java.util.Set<String> erased = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            List<Event> batch = new ArrayList<>();
            for (int k = 0; k < 100; k++) {
                batch.add(randomEvent(random, "b" + i + "-" + k));
            }
            restarted.append(batch);
            users.delete("user" + (i * 3)).events().forEach(e -> erased.add(e.id()));
        }
        restarted.awaitHistory();
        assertHistoryMatchesSql(restarted);
        assertTrue(erased.size() > 300, "erased " + erased.size());
        for (int u = 0; u < 40; u++) {
            for (Event e : restarted.recentForUser("user" + u, 50)) {
                assertFalse(erased.contains(e.id()), e.id() + " was erased");
            }
        }
    }

    private static Event randomEvent(java.util.Random random, String id) {
        EventType type = EventType.values()[random.nextInt(EventType.values().length)];
        String item = "i" + random.nextInt(50);
        // Times on a coarse grid (ties), some with nanoseconds the store rounds to microseconds.
        Instant ts = T0.plusSeconds(random.nextInt(500)).plusNanos(random.nextInt(4) == 0 ? random.nextInt(1_000_000_000) : 0);
        BigDecimal price = random.nextInt(3) == 0 ? new BigDecimal(random.nextInt(100_000_000)).movePointLeft(6) : null;
        String query = type == EventType.SEARCH ? "q " + random.nextInt(9) : null;
        EventContext context = random.nextBoolean() ? EventContext.NONE
                : new EventContext("web", random.nextBoolean() ? "c" + random.nextInt(3) : null, null,
                        type.isAd() ? "cr1" : null);
        return new Event(id, type, "user" + random.nextInt(40), item, 1 + random.nextInt(3), ts, query, price, context);
    }

    private static void assertHistoryMatchesSql(JdbcEventRepository repository) {
        for (int u = 0; u < 40; u++) {
            String user = "user" + u;
            for (int limit : List.of(1, 7, 20, 21, 60, 1000)) {
                assertEquals(repository.recentForUserSql(user, limit), repository.recentForUser(user, limit),
                        user + ", limit " + limit);
            }
        }
    }

    // --- errors and configuration

    @Test
    void databaseErrorsSurfaceAsRialtoExceptionsNamingTheOperation() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE events");
        }
        RialtoException e = assertThrows(RialtoException.class,
                () -> events.append(List.of(event("x", EventType.VIEW, "u", "i", T0))));
        assertTrue(e.getMessage().startsWith("Appending 1 events failed"), e.getMessage());
        RialtoException count = assertThrows(RialtoException.class, () -> events.count());
        assertTrue(count.getMessage().startsWith("Counting events failed"), count.getMessage());
    }

    @Test
    void aFailedUpsertRollsBackEverything() {
        items.upsert(List.of(item("keep", "Keep")));
        String tooLong = "x".repeat(300); // longer than the id column
        List<Item> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(item("n" + i, "N"));
        }
        batch.add(item(tooLong, "Bad"));
        assertThrows(RialtoException.class, () -> items.upsert(batch));
        assertEquals(1, items.count());
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        JdbcItemRepository repo = new JdbcItemRepository(dataSource);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> repo.activate(Configs.config(0, 10, false)));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> repo.activate(Configs.config(10, 0, false)));
        assertTrue(e.getMessage().contains("fetchSize"), e.getMessage());
    }
}
