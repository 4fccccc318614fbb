package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malformed input through the real pipeline: truncated lines, wrong types, bad encodings, 1 MB fields,
 * unknown columns, injection strings. Good records are stored, bad ones dead-lettered naming the field, and
 * nothing throws.
 */
class MalformedCorpusTest {
    /** Strings that must be stored as plain data, never interpreted. */
    static final List<String> INJECTIONS = List.of("'; DROP TABLE events; --", "\" OR 1=1 --",
            "<script>alert(1)</script>", "=HYPERLINK(\"http://x\",\"y\")", "${jndi:ldap://127.0.0.1/a}",
            "../../../etc/passwd", "Robert'); DELETE FROM items;--", "%s%s%n", "\\u0000 not a NUL");
    static final String MB = "x".repeat(1 << 20);

    @TempDir
    Path tmp;
    H2Store store;
    CsvIngestor ingestor;

    @BeforeEach
    void setUp() {
        store = new H2Store(tmp.resolve("privacy.key"), "drop");
        ingestor = store.ingestor(100, tmp.resolve("dead"));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof byte[] bytes ? bytes : p.toString().getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private static Map<Long, String> fieldsByLine(IngestReport report) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (Rejection r : report.rejections()) {
            out.put(r.line(), r.field());
        }
        return out;
    }

    @Test
    void aCsvCorpusStoresTheGoodRowsAndDeadLettersTheRest() throws Exception {
        StringBuilder injections = new StringBuilder();
        for (int i = 0; i < INJECTIONS.size(); i++) {
            String v = INJECTIONS.get(i).replace("\"", "\"\"");
            injections.append("inj").append(i).append(",search,\"").append(v).append("\",,2026-01-01T10:00:00Z,\"")
                    .append(v).append("\",,1\n");
        }
        byte[] file = concat("id,type,user,item,timestamp,query,quantity,mystery\n",
                "ok1,view,u1,i1,2026-01-01T10:00:00Z,,1,whatever\n",              // 2 good, unknown column ignored
                "short1,view,u1\n",                                               // 3 truncated line
                "wrong1,view,u1,i1,2026-01-01T10:00:00Z,,many,\n",               // 4 quantity not a number
                "wrong2,view,u1,i1,next tuesday,,1,\n",                           // 5 timestamp
                "wrong3,fly,u1,i1,2026-01-01T10:00:00Z,,1,\n",                    // 6 type
                "enc1,view,u1,i1,2026-01-01T10:00:00Z,caf", new byte[] {(byte) 0xE9}, ",1,\n", // 7 Latin-1 byte
                "enc2,view,u", new byte[] {(byte) 0xC3, (byte) 0x28}, ",i1,2026-01-01T10:00:00Z,,1,\n", // 8 bad UTF-8
                "nul1,view,u1,i1,2026-01-01T10:00:00Z,a\u0000b,1,\n",             // 9 NUL
                "big1,search,u1,,2026-01-01T10:00:00Z,", MB, ",1,\n",             // 10 1 MB field
                "big2,view,u1,i1,2026-01-01T10:00:00Z,,1,", MB, "\n",             // 11 1 MB unknown column
                "ok2,purchase,u2,i2,2026-01-01T11:00:00Z,,2,\n",                  // 12 good
                injections,                                                       // 13.. stored as data
                "ok3,view,u3,i3,2026-01-01T12:00:00Z,,1,\n",
                "trunc,view,\"u4,i4,2026-01-01T12:00:00Z");                       // unterminated quote at the end
        IngestReport report = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "corpus.csv");

        Map<Long, String> fields = fieldsByLine(report);
        assertEquals("*", fields.get(3L));
        assertEquals("quantity", fields.get(4L));
        assertEquals("timestamp", fields.get(5L));
        assertEquals("type", fields.get(6L));
        assertEquals("query", fields.get(7L));
        assertEquals("user", fields.get(8L));
        assertEquals("query", fields.get(9L));
        assertEquals("query", fields.get(10L));
        assertEquals("mystery", fields.get(11L));
        long last = 13 + INJECTIONS.size() + 1;
        assertEquals("*", fields.get(last), "the unterminated quote: " + report.rejections());
        assertEquals(10, report.rejections().size(), report.rejections().toString());

        assertEquals(3 + INJECTIONS.size(), report.stored());
        assertEquals(3 + INJECTIONS.size(), store.events.count());
        for (int i = 0; i < INJECTIONS.size(); i++) {
            String user = store.privacy.userId(INJECTIONS.get(i));
            Event e = store.events.recentForUser(user, 1).get(0);
            assertEquals(INJECTIONS.get(i), e.query(), "stored verbatim");
        }
        assertEquals(4, store.count("profiles") + 4, "tables intact");

        List<DeadLetter> letters = store.journal.deadLetters("events", 100);
        assertEquals(10, letters.size());
        Map<Long, DeadLetter> byLine = letters.stream().collect(Collectors.toMap(DeadLetter::line, d -> d));
        assertTrue(byLine.get(10L).raw().length() <= DeadLetter.MAX_RAW, "1 MB raw cut");
        assertTrue(byLine.get(10L).raw().endsWith("chars]"));
        assertEquals("short1,view,u1", byLine.get(3L).raw());
        assertTrue(byLine.get(4L).reason().contains("'many'"), byLine.get(4L).reason());
    }

    @Test
    void aJsonLinesCorpusStoresTheGoodLinesAndDeadLettersTheRest() {
        String injection = INJECTIONS.get(0);
        byte[] file = concat(
                "{\"id\":\"j1\",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":\"2026-01-01T10:00:00Z\"}\n",
                "{\"id\":\"j2\",\"type\":\n",                                                       // 2 truncated
                "{\"id\":\"j3\",\"type\":\"view\",\"user\":[\"u1\"],\"item\":\"i1\",\"timestamp\":1}\n", // 3 array
                "{\"id\":\"j4\",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":true}\n", // 4 wrong type
                "[1,2,3]\n",                                                                          // 5 not an object
                new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x01, '\n'},                             // 6 binary
                "{\"id\":\"j7\",\"type\":\"search\",\"user\":\"u1\",\"query\":\"", MB, "\",\"timestamp\":1}\n", // 7
                "{\"id\":\"j8\",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":1,\"extra\":{\"a\":1}}\n",
                "{\"id\":\"j9\",\"type\":\"search\",\"user\":\"u9\",\"query\":\"" + injection.replace("\"", "\\\"")
                        + "\",\"timestamp\":1,\"unknown\":\"col\"}\n",                                  // 9 good
                "{\"id\":\"j10\",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":1,\"id\":\"again\"}\n",
                "\n",
                "{\"id\":\"j12\",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":\"2026-01-01T10:00:00Z\"}");
        IngestReport report = ingestor.ingestCsv("events", new ByteArrayInputStream(file), "corpus.jsonl");
        Map<Long, String> fields = fieldsByLine(report);
        assertEquals("*", fields.get(2L));
        assertEquals("user", fields.get(3L));
        assertEquals("timestamp", fields.get(4L));
        assertEquals("*", fields.get(5L));
        assertTrue(fields.containsKey(6L));
        assertTrue(fields.containsKey(7L));
        assertEquals("extra", fields.get(8L));
        assertEquals("id", fields.get(10L));
        assertEquals(3, report.stored(), report.rejections().toString()); // j1, j9, j12 (no final newline)
        assertEquals(injection, store.events.recentForUser(store.privacy.userId("u9"), 1).get(0).query());
        assertEquals(report.rejections().size(), store.journal.countDeadLetters("events"));
    }

    @Test
    void aTruncatedGzipKeepsWhatCameBeforeAndNamesTheLine() throws Exception {
        StringBuilder csv = new StringBuilder("id,title,price\n");
        for (int i = 0; i < 30_000; i++) {
            csv.append("i").append(i).append(",Item ").append(i).append(',').append(i % 7 == 0 ? "n/a" : "1.5")
                    .append('\n');
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = gz.toByteArray();
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
        IngestReport report = ingestor.ingestCsv("items", new ByteArrayInputStream(cut), "items.csv.gz");
        assertTrue(report.stored() > 0);
        Rejection stop = report.rejections().get(report.rejections().size() - 1);
        assertEquals("*", stop.field());
        assertTrue(stop.reason().contains("stopped"), stop.reason());
        long priceRejections = report.rejections().stream().filter(r -> r.field().equals("price")).count();
        assertEquals(report.read(), report.stored() + priceRejections + 1);
        assertEquals(report.stored(), store.items.count());
        Item one = store.items.find("i1").orElseThrow();
        assertEquals("Item 1", one.title());
    }

    @Test
    void httpRecordsWithHostileValuesAreRejectedOrStoredAsData() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("id", "h1");
        nested.put("type", "view");
        nested.put("user", Map.of("$ne", ""));
        Map<String, Object> huge = new HashMap<>(Map.of("id", "h2", "type", "search", "user", "u1",
                "timestamp", 1, "query", MB));
        Map<String, Object> injection = new HashMap<>(Map.of("id", INJECTIONS.get(6), "type", "search",
                "user", INJECTIONS.get(0), "timestamp", 1, "query", INJECTIONS.get(2)));
        Map<String, Object> nan = new HashMap<>(Map.of("id", "h4", "type", "purchase", "user", "u1", "item", "i",
                "timestamp", 1, "price", Double.NaN));
        IngestReport report = ingestor.ingestRecords("events", Arrays.asList(nested, huge, injection, nan, null),
                "http:events:shop");
        assertEquals(1, report.stored());
        assertEquals(List.of("user", "query", "price", "*"),
                report.rejections().stream().map(Rejection::field).toList());
        assertEquals(INJECTIONS.get(2),
                store.events.recentForUser(store.privacy.userId(INJECTIONS.get(0)), 1).get(0).query());
        List<DeadLetter> letters = store.journal.deadLetters("http:events:shop", 10);
        assertEquals(4, letters.size());
        assertTrue(letters.stream().anyMatch(d -> "{\"id\":\"h1\",\"type\":\"view\",\"user\":\"{object}\"}"
                .equals(d.raw())), letters.toString());
    }
}
