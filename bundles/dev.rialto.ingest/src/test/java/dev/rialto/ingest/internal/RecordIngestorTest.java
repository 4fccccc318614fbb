package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.RecordIngestor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ingestRecords: the same validation and mapping as files, for records already split into fields. */
class RecordIngestorTest {
    private Fakes.Items items;
    private Fakes.Events events;
    private CsvIngestor ingestor;

    @BeforeEach
    void setUp() {
        items = new Fakes.Items();
        events = new Fakes.Events();
        ingestor = new CsvIngestor(items, events, new Fakes.Profiles());
        ingestor.activate(Fakes.config("UTC", 1000, 1000, 10000));
    }

    /** A record from alternating names and values (nulls allowed). */
    private static Map<String, Object> record(Object... pairs) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            r.put((String) pairs[i], pairs[i + 1]);
        }
        return r;
    }

    private static String rejections(IngestReport report) {
        return String.join(";", report.rejections().stream()
                .map(r -> r.line() + "|" + r.recordId() + "|" + r.field()).toList());
    }

    @Test
    void goodEventsAreStoredWithJsonNumbers() {
        IngestReport report = ingestor.ingestRecords("events", List.of(
                record("id", "e1", "type", "view", "user", "u1", "item", "i1", "timestamp", "2026-01-01T10:00:00Z"),
                record("ID", "e2", "Type", "PURCHASE", "user", 42, "item", 7, "quantity", 3,
                        "timestamp", 1767261600000L),
                record("id", "e3", "type", "search", "user", "u1", "query", "red shoes",
                        "timestamp", "2026-01-01 10:00:00", "item", null)), "http:events:shop");
        assertEquals(EntityKind.EVENTS, report.kind());
        assertEquals("http:events:shop", report.source());
        assertEquals(3, report.read());
        assertEquals(3, report.stored());
        assertEquals("", rejections(report));
        Event e2 = events.byId.get("e2");
        assertEquals(EventType.PURCHASE, e2.type());
        assertEquals("42", e2.userId());
        assertEquals("7", e2.itemId());
        assertEquals(3, e2.quantity());
        assertEquals(Instant.ofEpochMilli(1767261600000L), e2.timestamp());
        assertEquals("red shoes", events.byId.get("e3").query());
    }

    /**
     * A batch of more than one chunk is stored by the writer threads while the rest is mapped, as a file is: the
     * same counts, rejections by position and the first of repeated ids as when stored in line.
     */
    @Test
    void aBigBatchIsStoredByWriterThreadsWithTheSameOutcome() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            int id = i >= 2400 ? i - 2400 : i; // the last 100 repeat the first chunk's ids
            batch.add(i == 1500 ? record("id", "bad", "type", "teleport", "user", "u", "timestamp", 1)
                    : record("id", "b" + id, "type", "view", "user", "u" + i % 7, "item", "i" + i,
                            "timestamp", 1767261600000L + i));
        }
        IngestReport report = ingestor.ingestRecords("events", batch, "http:events:shop");
        assertEquals(2500, report.read());
        assertEquals(2399, report.stored());
        assertEquals(100, report.duplicates());
        assertEquals("1501|bad|type", rejections(report));
        assertEquals(2399, events.byId.size());
        assertEquals("i0", events.byId.get("b0").itemId(), "the first of a repeated id is the event");
        assertTrue(events.appendThreads.stream().allMatch(t -> t.startsWith("rialto-ingest-writer")),
                events.appendThreads.toString());

        events.appendThreads.clear();
        IngestReport small = ingestor.ingestRecords("events", batch.subList(0, 1000), "http:events:shop");
        assertEquals(1000, small.duplicates());
        assertEquals(List.of(Thread.currentThread().getName()), events.appendThreads, "one chunk: in line");
    }

    @Test
    void mixedBatchRejectsByPositionAndFieldAndStoresTheRest() {
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.add(record("id", "ok1", "type", "view", "user", "u", "item", "i", "timestamp", "2026-01-01T00:00:00Z"));
        batch.add(record("id", "bad-type", "type", "teleport", "user", "u", "item", "i", "timestamp", 1));
        batch.add(null);
        batch.add(record("id", "nested", "type", "view", "user", Map.of("a", 1), "item", "i", "timestamp", 1));
        batch.add(record("id", "list", "type", "view", "user", "u", "item", List.of(1), "timestamp", 1));
        batch.add(record("id", "qty", "type", "view", "user", "u", "item", "i", "quantity", 1.5, "timestamp", 1));
        batch.add(record("id", "twice", "ID", "twice2", "type", "view", "user", "u", "item", "i", "timestamp", 1));
        batch.add(record("id", "no-item", "type", "click", "user", "u", "timestamp", 1));
        batch.add(record("id", "long", "type", "view", "user", "u", "item", "x".repeat(1001), "timestamp", 1));
        batch.add(record("id", "ok2", "type", "view", "user", "u", "item", "i", "timestamp", true));
        batch.add(record("id", "ok3", "type", "view", "user", "u", "item", "i", "timestamp", 5));
        IngestReport report = ingestor.ingestRecords("events", batch, "http");
        assertEquals(11, report.read());
        assertEquals(2, report.stored());
        assertEquals("2|bad-type|type;3|null|*;4|nested|user;5|list|item;6|qty|quantity;7|twice|id;8|no-item|item;"
                + "9|long|item;10|ok2|timestamp", rejections(report));
        assertTrue(report.rejections().get(4).reason().contains("'1.5' is not a whole number"),
                report.rejections().get(4).reason());
        assertEquals("id appears twice in the object", report.rejections().get(5).reason());
        assertEquals("the record is not a JSON object", report.rejections().get(1).reason());
        assertEquals(List.of("ok1", "ok3"), List.copyOf(events.byId.keySet()));
    }

    @Test
    void reSendingTheSameEventsStoresNothingTwice() {
        List<Map<String, Object>> batch = List.of(
                record("id", "e1", "type", "view", "user", "u", "item", "i", "timestamp", 1),
                record("id", "e2", "type", "view", "user", "u", "item", "i", "timestamp", 2),
                record("id", "e1", "type", "view", "user", "u", "item", "i", "timestamp", 1));
        IngestReport first = ingestor.ingestRecords("events", batch, "http");
        assertEquals(2, first.stored());
        assertEquals(1, first.duplicates());
        IngestReport again = ingestor.ingestRecords("events", batch, "http");
        assertEquals(0, again.stored());
        assertEquals(3, again.duplicates());
        assertEquals(2, events.byId.size());
    }

    @Test
    void itemsKeepDecimalsBooleansAndAttributes() {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("id", "a1");
        attributes.put("title", "Red shoe");
        attributes.put("price", new BigDecimal("49.90"));
        attributes.put("currency", "eur");
        attributes.put("available", false);
        attributes.put("brand", "Acme");
        attributes.put("size", 42);
        IngestReport report = ingestor.ingestRecords("items", List.of(attributes,
                record("id", "a2", "title", "Hat", "price", 1e3)), "http:items");
        assertEquals(2, report.stored(), rejections(report));
        Item a1 = items.byId.get("a1");
        assertEquals(new BigDecimal("49.90"), a1.price());
        assertEquals("EUR", a1.currency());
        assertEquals(false, a1.available());
        assertEquals(Map.of("size", "42"), a1.attributes());
        assertEquals("Acme", a1.brand());
        assertEquals(0, new BigDecimal("1000").compareTo(items.byId.get("a2").price()));

        IngestReport again = ingestor.ingestRecords("items", List.of(attributes), "http:items");
        assertEquals(0, again.stored());
        assertEquals(1, again.duplicates());
    }

    @Test
    void moreThanTheLimitIsRefusedWholeNamingRecords() {
        Map<String, Object> one = record("id", "e", "type", "view", "user", "u", "item", "i", "timestamp", 1);
        List<Map<String, Object>> batch = Arrays.asList(new Map[RecordIngestor.MAX_RECORDS + 1]);
        batch.replaceAll(x -> one);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestRecords("events", batch, "http"));
        assertTrue(e.getMessage().startsWith("records:"), e.getMessage());
        assertTrue(e.getMessage().contains("10000"), e.getMessage());
        assertTrue(events.byId.isEmpty());
    }

    @Test
    void theLimitItselfIsAccepted() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < RecordIngestor.MAX_RECORDS; i++) {
            batch.add(record("id", "e" + i, "type", "view", "user", "u" + (i % 7), "item", "i" + (i % 13),
                    "timestamp", 1_000L + i));
        }
        IngestReport report = ingestor.ingestRecords("events", batch, "http");
        assertEquals(10_000, report.stored());
        assertEquals(List.of(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000), events.appendSizes);
    }

    @Test
    void unknownKindFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestRecords("orders", List.of(), "http"));
        assertTrue(e.getMessage().contains("kind 'orders'"), e.getMessage());
    }
}
