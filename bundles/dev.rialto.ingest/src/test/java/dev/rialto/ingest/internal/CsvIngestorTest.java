package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.profiles.Profile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CsvIngestorTest {
    private Fakes.Items items;
    private Fakes.Events events;
    private Fakes.Profiles profiles;
    private CsvIngestor ingestor;

    @BeforeEach
    void setUp() {
        items = new Fakes.Items();
        events = new Fakes.Events();
        profiles = new Fakes.Profiles();
        ingestor = new CsvIngestor(items, events, profiles);
        ingestor.activate(Fakes.config("UTC", 1000, 65536, 10000));
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String rejections(IngestReport report) {
        return report.rejections().stream().map(r -> r.line() + "|" + r.recordId() + "|" + r.field())
                .reduce((a, b) -> a + ";" + b).orElse("");
    }

    @Test
    void goodItemFileIsFullyStored() {
        IngestReport report = ingestor.ingestCsv("items", csv("""
                \uFEFFID,Title,Description,Category,Price,Currency,Available,Language,Brand,Colour
                a1,Red shoe,"A shoe, red",Shoes > Women,49.90,eur,yes,en,Acme,red
                a2,Blue hat,,Hats,10,USD,false,,,
                a3,\u4e2d\u6587,desc,,,,,zh,Other,
                """), "items.csv");
        assertEquals(EntityKind.ITEMS, report.kind());
        assertEquals("items.csv", report.source());
        assertEquals(3, report.read());
        assertEquals(3, report.stored());
        assertEquals(0, report.duplicates());
        assertFalse(report.hasRejections(), report.rejectionsCsv());

        Item a1 = items.byId.get("a1");
        assertEquals("A shoe, red", a1.description());
        assertEquals("Shoes > Women", a1.category());
        assertEquals(new BigDecimal("49.90"), a1.price());
        assertEquals("EUR", a1.currency());
        assertTrue(a1.available());
        assertEquals(Map.of("colour", "red"), a1.attributes());
        assertEquals("Acme", a1.brand());
        Item a2 = items.byId.get("a2");
        assertFalse(a2.available());
        assertEquals(Map.of(), a2.attributes());
        assertEquals("en", a2.language());
        assertNull(items.byId.get("a3").price());
        assertEquals("zh", items.byId.get("a3").language());
    }

    @Test
    void mixedItemFileStoresTheGoodRowsAndNamesEachBadOne() {
        String longTitle = "x".repeat(70_000);
        IngestReport report = ingestor.ingestCsv("items", csv("id,title,price,currency,available\n"
                + "ok1,Fine,1.00,EUR,true\n"          // line 2
                + "bad1,Costly,abc,EUR,true\n"        // 3: price not a number
                + "bad2,,5,EUR,true\n"                // 4: blank title
                + "bad3,Neg,-1,EUR,true\n"            // 5: negative price
                + "bad4,Cur,1,EURO,true\n"            // 6: currency
                + "bad5,Avail,1,EUR,perhaps\n"        // 7: boolean
                + "bad6,Short,1\n"                    // 8: wrong number of fields
                + "bad7," + longTitle + ",1,EUR,true\n" // 9: field too long
                + ",NoId,1,EUR,true\n"                // 10: blank id
                + "ok2,Also fine,,,\n"),              // 11
                "mixed.csv");
        assertEquals(10, report.read());
        assertEquals(2, report.stored());
        assertEquals(List.of("ok1", "ok2"), List.copyOf(items.byId.keySet()));
        assertEquals("3|bad1|price;4|bad2|title;5|bad3|price;6|bad4|currency;7|bad5|available;8|bad6|*;"
                + "9|bad7|title;10|null|id", rejections(report));
        List<Rejection> r = report.rejections();
        assertEquals("price 'abc' is not a number", r.get(0).reason());
        assertEquals("title must not be blank", r.get(1).reason());
        assertEquals("price must not be negative, was '-1'", r.get(2).reason());
        assertEquals("currency 'EURO' is not a 3-letter ISO 4217 code", r.get(3).reason());
        assertEquals("the record has 3 fields, the header has 5", r.get(5).reason());
        assertEquals("title is longer than 65536 characters (70000)", r.get(6).reason());
        assertTrue(report.rejectionsCsv().startsWith("line,record,field,reason\n3,bad1,price,"));
    }

    @Test
    void missingRequiredColumnFailsTheCallNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestCsv("events", csv("id,type,timestamp\n1,view,2026-01-01T00:00:00Z\n"), "e.csv"));
        assertTrue(e.getMessage().contains("'user'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ingestor.ingestCsv("items", csv("id\n1\n"), "i.csv"));
        assertTrue(e.getMessage().contains("'title'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ingestor.ingestCsv("things", csv("id\n"), "x"));
        assertTrue(e.getMessage().contains("things"), e.getMessage());
        assertTrue(events.byId.isEmpty());
    }

    @Test
    void eventsParseEveryTimestampFormAndDefaults() {
        IngestReport report = ingestor.ingestCsv("events", csv("""
                id,type,user,item,timestamp,quantity,query
                e1,view,u1,i1,2026-01-01T10:00:00Z,,
                e2,PURCHASE,u1,i1,2026-01-01T10:00:00,3,
                e3,add-to-cart,u2,i2,2026-01-01 10:00:00,,
                e4,search,u2,,1767261600000,,red shoes
                e5,click,u3,i3,2026-01-01T11:00:00+01:00,,
                """), "events.csv");
        assertFalse(report.hasRejections(), report.rejectionsCsv());
        assertEquals(5, report.stored());
        Instant ten = Instant.parse("2026-01-01T10:00:00Z");
        for (String id : List.of("e1", "e2", "e3", "e4", "e5")) {
            assertEquals(ten, events.byId.get(id).timestamp(), id);
        }
        Event e2 = events.byId.get("e2");
        assertEquals(EventType.PURCHASE, e2.type());
        assertEquals(3, e2.quantity());
        assertEquals(1, events.byId.get("e1").quantity());
        assertEquals(EventType.ADD_TO_CART, events.byId.get("e3").type());
        assertEquals("red shoes", events.byId.get("e4").query());
        assertNull(events.byId.get("e4").itemId());
    }

    @Test
    void localTimesFollowTheConfiguredZone() {
        ingestor.activate(Fakes.config("Europe/Paris", 1000, 65536, 10000));
        ingestor.ingestCsv("events", csv("id,type,user,item,timestamp\ne1,view,u,i,2026-01-01 11:00:00\n"), "z");
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), events.byId.get("e1").timestamp());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.activate(Fakes.config("Mars/Olympus", 1000, 65536, 10000)));
        assertTrue(e.getMessage().startsWith("zone "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ingestor.activate(Fakes.config("UTC", 0, 65536, 10)));
        assertTrue(e.getMessage().startsWith("chunkSize "), e.getMessage());
    }

    @Test
    void badEventsAreRejectedWithTheirField() {
        IngestReport report = ingestor.ingestCsv("events", csv("""
                id,type,user,item,timestamp,quantity
                e1,teleport,u,i,2026-01-01T10:00:00Z,
                e2,view,u,,2026-01-01T10:00:00Z,
                e3,view,,i,2026-01-01T10:00:00Z,
                e4,view,u,i,yesterday,
                e5,view,u,i,2026-01-01T10:00:00Z,0
                e6,view,u,i,2026-01-01T10:00:00Z,many
                e7,view,u,i,2026-01-01T10:00:00Z,2
                """), "bad-events.csv");
        assertEquals("2|e1|type;3|e2|item;4|e3|user;5|e4|timestamp;6|e5|quantity;7|e6|quantity", rejections(report));
        assertTrue(report.rejections().get(0).reason().startsWith("type 'teleport' is not one of"));
        assertTrue(report.rejections().get(3).reason().startsWith("timestamp 'yesterday' is not"));
        assertEquals(1, report.stored());
        assertEquals(2, events.byId.get("e7").quantity());
    }

    @Test
    void duplicatesAreCountedNotStoredTwice() {
        String file = """
                id,type,user,item,timestamp
                e1,view,u,i,2026-01-01T10:00:00Z
                e2,view,u,i,2026-01-01T10:00:01Z
                e1,view,u,i,2026-01-01T10:00:00Z
                """;
        IngestReport first = ingestor.ingestCsv("events", csv(file), "a");
        assertEquals(3, first.read());
        assertEquals(2, first.stored());
        assertEquals(1, first.duplicates());
        IngestReport again = ingestor.ingestCsv("events", csv(file), "a");
        assertEquals(0, again.stored());
        assertEquals(3, again.duplicates());
        assertEquals(2, events.byId.size());

        String itemFile = "id,title,price\nx,X,10.00\nx,X again,1\ny,Y,\n";
        IngestReport itemsFirst = ingestor.ingestCsv("items", csv(itemFile), "i");
        assertEquals(2, itemsFirst.stored());
        assertEquals(1, itemsFirst.duplicates());
        assertEquals("X", items.byId.get("x").title());
        IngestReport itemsAgain = ingestor.ingestCsv("items", csv(itemFile), "i");
        assertEquals(0, itemsAgain.stored());
        assertEquals(3, itemsAgain.duplicates());
        IngestReport changed = ingestor.ingestCsv("items", csv("id,title\ny,Y renamed\n"), "i");
        assertEquals(1, changed.stored());
        assertEquals("Y renamed", items.byId.get("y").title());
    }

    @Test
    void profilesKeepOtherColumnsAsAttributes() {
        IngestReport report = ingestor.ingestCsv("profiles", csv("ID,Country,Segment\np1,FR,vip\np2,,\n,DE,\n"), "p");
        assertEquals(2, report.stored());
        assertEquals("4|null|id", rejections(report));
        Profile p1 = profiles.byId.get("p1");
        assertEquals(Map.of("country", "FR", "segment", "vip"), p1.attributes());
        assertEquals(Map.of(), profiles.byId.get("p2").attributes());
        IngestReport again = ingestor.ingestCsv("profiles", csv("id,country\np1,DE\np2,\n"), "p");
        assertEquals(1, again.stored());
        assertEquals(1, again.duplicates());
        assertEquals(Map.of("country", "DE"), profiles.byId.get("p1").attributes());
        assertEquals(p1.created(), profiles.byId.get("p1").created());
    }

    @Test
    void quotedCommasQuotesAndNewlinesSurviveAndLinesStayRight() {
        IngestReport report = ingestor.ingestCsv("items", csv("id,title,description\r\n"
                + "q1,\"Comma, inside\",\"He said \"\"hi\"\"\"\r\n"
                + "q2,Two lines,\"first\r\nsecond\nthird\"\r\n"
                + "q3,,missing title\r\n"), "quoted.csv");
        assertEquals("He said \"hi\"", items.byId.get("q1").description());
        assertEquals("Comma, inside", items.byId.get("q1").title());
        assertEquals("first\r\nsecond\nthird", items.byId.get("q2").description());
        assertEquals("6|q3|title", rejections(report), "q2 spans lines 3 to 5, so q3 is on line 6");
    }

    @Test
    void unterminatedQuoteStopsTheParseButKeepsWhatCameBefore() {
        IngestReport report = ingestor.ingestCsv("items", csv("id,title\n"
                + "u1,One\n"
                + "u2,Two\n"
                + "u3,\"Three never closes\n"
                + "u4,Four\n"), "broken.csv");
        assertEquals(2, report.stored());
        assertEquals(List.of("u1", "u2"), List.copyOf(items.byId.keySet()));
        assertEquals(1, report.rejections().size());
        Rejection r = report.rejections().get(0);
        assertEquals(4, r.line());
        assertEquals("*", r.field());
        assertTrue(r.reason().startsWith("malformed CSV, parsing stopped here"), r.reason());
    }

    @Test
    void tenThousandRowsAreStoredInChunksOfAThousand() {
        StringBuilder file = new StringBuilder("id,type,user,item,timestamp\n");
        for (int i = 0; i < 10_000; i++) {
            file.append("e").append(i).append(",view,u").append(i % 97).append(",i").append(i % 501)
                    .append(',').append(1767261600000L + i).append('\n');
        }
        IngestReport report = ingestor.ingestCsv("events", csv(file.toString()), "big.csv");
        assertEquals(10_000, report.read());
        assertEquals(10_000, report.stored());
        assertEquals(10_000, events.byId.size());
        assertEquals(10, events.appendSizes.size());
        assertTrue(events.appendSizes.stream().allMatch(n -> n == 1000), events.appendSizes.toString());
    }

    @Test
    void rejectionsPastTheLimitAreSummedUp() {
        ingestor.activate(Fakes.config("UTC", 1000, 65536, 2));
        IngestReport report = ingestor.ingestCsv("profiles", csv("id,x\n,1\n,2\n,3\n,4\nok,5\n"), "p");
        assertEquals(3, report.rejections().size());
        assertEquals("2 more rejected records are not listed", report.rejections().get(2).reason());
        assertEquals(4, report.rejections().get(2).line());
        assertEquals(1, report.stored());
    }

    @Test
    void theCallersStreamIsLeftOpen() throws Exception {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream("id\np1\n".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertEquals(1, ingestor.ingestCsv("profiles", in, "p").stored());
        assertFalse(closed[0]);
    }
}
