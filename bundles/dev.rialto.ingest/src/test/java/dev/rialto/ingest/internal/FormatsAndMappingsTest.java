package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatsAndMappingsTest {
    @TempDir
    Path mappingsDir;
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
        ingestor.activate(Fakes.config("UTC", 1000, 65536, 10000, mappingsDir.toString()));
    }

    static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static InputStream gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static String rejections(IngestReport report) {
        return report.rejections().stream().map(r -> r.line() + "|" + r.recordId() + "|" + r.field())
                .reduce((a, b) -> a + ";" + b).orElse("");
    }

    private void mapping(String name, String properties) throws IOException {
        Files.writeString(mappingsDir.resolve(name + ".properties"), properties);
    }

    @Test
    void formatFollowsTheFileName() {
        assertEquals(Format.CSV, Format.ofName("a.csv"));
        assertEquals(Format.CSV, Format.ofName("a.CSV.GZ"));
        assertEquals(Format.TSV, Format.ofName("a.tsv.gz"));
        assertEquals(Format.JSONL, Format.ofName("a.jsonl"));
        assertEquals(Format.JSONL, Format.ofName("a.ndjson.gz"));
        assertEquals(Format.CSV, Format.ofName("csv"));
    }

    @Test
    void delimiterIsDetectedFromTheHeaderOutsideQuotes() throws IOException {
        assertEquals(';', CsvIngestor.detectDelimiter(new BufferedReader(new StringReader("a;b;\"c,d,e\"\n1,2"))));
        assertEquals('|', CsvIngestor.detectDelimiter(new BufferedReader(new StringReader("a|b|c"))));
        assertEquals('\t', CsvIngestor.detectDelimiter(new BufferedReader(new StringReader("a\tb\n"))));
        assertEquals(',', CsvIngestor.detectDelimiter(new BufferedReader(new StringReader("id\n1;2;3"))));
    }

    @Test
    void semicolonCsvIsReadWithoutAMapping() {
        IngestReport report = ingestor.ingestCsv("items", text("""
                id;title;description;price
                a1;Red shoe;"Shoe; red, nice";49.90
                a2;Blue hat;;
                """), "export.csv");
        assertFalse(report.hasRejections(), report.rejectionsCsv());
        assertEquals(2, report.stored());
        assertEquals("Shoe; red, nice", items.byId.get("a1").description());
        assertEquals(new BigDecimal("49.90"), items.byId.get("a1").price());
    }

    @Test
    void tsvIsTabSeparated() {
        IngestReport report = ingestor.ingestCsv("events", text(
                "id\ttype\tuser\titem\ttimestamp\n"
                + "e1\tview\tu1\ti1\t2026-01-01T10:00:00Z\n"
                + "e2\tclick\tu1\ti2,with comma\t2026-01-01T10:00:01Z\n"), "clicks.tsv");
        assertFalse(report.hasRejections(), report.rejectionsCsv());
        assertEquals(2, report.stored());
        assertEquals("i2,with comma", events.byId.get("e2").itemId());
    }

    @Test
    void jsonLinesUseTheCsvColumnNamesAndRejectBadLinesWithTheirNumber() {
        IngestReport report = ingestor.ingestCsv("events", text("""
                {"id":"e1","type":"purchase","user":"u1","item":"i1","timestamp":"2026-01-01T10:00:00Z","quantity":2}
                {"id":"e2","type":"search","user":"u1","query":"red shoes","timestamp":1767261600000,"item":null}

                {"id":"e3","type":"view","user":"u2",
                ["not","an","object"]
                {"id":"e4","type":"view","user":"u2","item":{"id":"i"},"timestamp":"2026-01-01T10:00:00Z"}
                {"id":"e5","type":"view","user":"u2","item":"i5","timestamp":"2026-01-01T10:00:00Z"} trailing
                {"id":"e6","type":"view","user":"u2","item":"i6"}
                {"ID":"e7","Type":"view","User":"u3","Item":"i7","Timestamp":"2026-01-01T10:00:00Z","extra":true}
                """), "events.jsonl");
        assertEquals(8, report.read(), "the blank line is not a record");
        assertEquals(3, report.stored());
        assertEquals(2, events.byId.get("e1").quantity());
        assertEquals("red shoes", events.byId.get("e2").query());
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), events.byId.get("e2").timestamp());
        assertTrue(events.byId.containsKey("e7"), "field names are case-insensitive, unknown ones ignored");
        assertEquals("4|null|*;5|null|*;6|null|item;7|null|*;8|e6|timestamp", rejections(report));
        List<Rejection> r = report.rejections();
        assertTrue(r.get(0).reason().startsWith("malformed JSON: "), r.get(0).reason());
        assertEquals("the line is not a JSON object", r.get(1).reason());
        assertEquals("item must be a string, a number or a boolean, not an object", r.get(2).reason());
        assertTrue(r.get(3).reason().startsWith("malformed JSON: "), r.get(3).reason());
        assertEquals("timestamp must not be blank", r.get(4).reason());
    }

    @Test
    void gzipIsDecompressedForEveryFormatAndRecognisedByItsBytes() {
        String csv = "id,title\ng1,Gzipped\n";
        assertEquals(1, ingestor.ingestCsv("items", gzip(csv), "items.csv.gz").stored());
        assertEquals("Gzipped", items.byId.get("g1").title());
        assertEquals(1, ingestor.ingestCsv("items", gzip("id\ttitle\ng2,x\tTab, gzipped\n"), "items.tsv.gz")
                .stored());
        assertEquals("Tab, gzipped", items.byId.get("g2,x").title());
        assertEquals(1, ingestor.ingestCsv("items", gzip("{\"id\":\"g3\",\"title\":\"Json\",\"price\":2.5}\n"),
                "items.jsonl.gz").stored());
        assertEquals(new BigDecimal("2.5"), items.byId.get("g3").price());
        // misnamed: the content decides
        assertEquals(1, ingestor.ingestCsv("items", gzip("id,title\ng4,Misnamed\n"), "items.csv").stored());
        assertEquals(4, items.byId.size());
    }

    @Test
    void truncatedGzipKeepsTheRecordsBeforeTheBreak() throws IOException {
        StringBuilder csv = new StringBuilder("id,title\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("t").append(i).append(",Title number ").append(i).append('\n');
        }
        byte[] whole = gzip(csv.toString()).readAllBytes();
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        IngestReport report = ingestor.ingestCsv("items", new ByteArrayInputStream(half), "cut.csv.gz");
        assertTrue(report.stored() > 0 && report.stored() < 100_000, "stored " + report.stored());
        Rejection last = report.rejections().get(report.rejections().size() - 1);
        assertTrue(last.reason().startsWith("malformed CSV, parsing stopped here"), last.reason());
    }

    @Test
    void mappingWithDecimalCommaCustomDatesAndRenamedColumns() throws IOException {
        mapping("shop-sales", """
                # a German shop export
                kind = events
                delimiter = ;
                timestamp.format = dd.MM.yyyy HH:mm
                timestamp.zone = Europe/Berlin
                decimal.separator = ,
                grouping.separator = .
                column.id = Bestellposition
                column.user = Kunde
                column.item = Artikel
                column.quantity = Menge
                column.timestamp = Datum
                constant.type = purchase
                also = items
                items.column.id = Artikel
                items.column.title = Bezeichnung
                items.column.price = Preis
                items.constant.currency = EUR
                items.otherColumns = ignore
                """);
        IngestReport report = ingestor.ingestCsv("shop-sales", text("""
                Bestellposition;Kunde;Artikel;Bezeichnung;Menge;Preis;Datum
                b1;k1;a1;Schuh, rot;2;1.234,50;24.12.2025 18:30
                b2;k2;a2;Hut;1;9,99;01.01.2026 00:15
                b3;k2;a2;Hut;1;9,99;2026-01-01
                b4;;a2;Hut;1;9,99;01.01.2026 00:15
                b5;k3;a3;Teuer;1;viel;01.01.2026 00:15
                """), "verkauf.csv");
        assertEquals(EntityKind.EVENTS, report.kind());
        assertEquals(2, report.stored());
        assertEquals("4|b3|Datum;5|b4|Kunde;6|b5|Preis", rejections(report));
        List<Rejection> r = report.rejections();
        assertTrue(r.get(0).reason().startsWith("Datum '2026-01-01' does not match the format"), r.get(0).reason());
        assertEquals("Kunde must not be blank", r.get(1).reason());
        assertEquals("Preis 'viel' is not a number", r.get(2).reason());

        Event b1 = events.byId.get("b1");
        assertEquals(EventType.PURCHASE, b1.type());
        assertEquals("a1", b1.itemId());
        assertEquals(2, b1.quantity());
        assertEquals(Instant.parse("2025-12-24T17:30:00Z"), b1.timestamp());
        assertEquals(Instant.parse("2025-12-31T23:15:00Z"), events.byId.get("b2").timestamp());
        Item a1 = items.byId.get("a1");
        assertEquals(new BigDecimal("1234.50"), a1.price());
        assertEquals("Schuh, rot", a1.title());
        assertEquals("EUR", a1.currency());
        assertEquals(Map.of(), a1.attributes());
        assertEquals(List.of("a1", "a2"), List.copyOf(items.byId.keySet()), "rejected rows add no item");
    }

    @Test
    void aMappingFileCanRedefineAPlainKind() throws IOException {
        mapping("profiles", """
                kind = profiles
                column.id = customer_no
                transform.id = integer
                column.segment = Seg
                otherColumns = ignore
                """);
        IngestReport report = ingestor.ingestCsv("profiles", text("customer_no,Seg,email\n12.0,vip,a@b.c\n13.5,x,\n"),
                "people.csv");
        assertEquals(1, report.stored());
        assertEquals(Map.of("segment", "vip"), profiles.byId.get("12").attributes());
        assertEquals("3|13.5|customer_no", rejections(report));
        assertEquals("customer_no '13.5' is not a whole number", report.rejections().get(0).reason());
    }

    @Test
    void aMappedColumnMissingFromTheHeaderFailsTheFileNamingIt() throws IOException {
        mapping("renamed", "kind=items\ncolumn.id=SKU\ncolumn.title=Name\ncolumn.price=Cost\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestCsv("renamed", text("SKU,Name\n1,One\n"), "r.csv"));
        assertTrue(e.getMessage().contains("'Cost' (for price)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestCsv("renamed", text("sku,title\n1,One\n"), "r.csv"));
        assertTrue(e.getMessage().contains("'Name' (for title)"), e.getMessage());
        assertTrue(items.byId.isEmpty());
    }

    @Test
    void invalidMappingsFailNamingTheProperty() throws IOException {
        Map<String, String> cases = Map.of(
                "kind=orders\n", "kind 'orders'",
                "kind=events\ncolumn.colour=c\n", "mapping bad: column.colour: events have no field 'colour'",
                "kind=items\ncolum.id=x\n", "mapping bad: colum.id is not a property",
                "kind=items\ntimestamp.format=yyyy-MM-dd {\n", "mapping bad: timestamp.format",
                "kind=items\ndecimal.separator=;\n", "mapping bad: decimal.separator must be . or ,",
                "kind=events\nreject.x.column=a\n", "mapping bad: reject.x.pattern is required",
                "kind=events\nreject.x.column=a\nreject.x.pattern=(\n", "mapping bad: reject.x.pattern is not",
                "kind=events\nitems.column.id=a\n", "mapping bad: items.column.id needs also=items",
                "kind=events\ncolumn.id=a\nconstant.id=b\n", "field 'id' is set twice");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            mapping("bad", c.getKey());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ingestor.ingestCsv("bad", text("id\n1\n"), "b.csv"), c.getKey());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ingestor.ingestCsv("../etc/secret", text("id\n1\n"), "b.csv"));
        assertTrue(e.getMessage().startsWith("kind '../etc/secret' is not one of"), e.getMessage());
    }

    @Test
    void mappingFormatOverridesTheFileName() throws IOException {
        mapping("feed", "kind=items\nformat=jsonl\ncolumn.id=sku\n");
        IngestReport report = ingestor.ingestCsv("feed", text("{\"sku\":\"f1\",\"title\":\"From a feed\"}\n"),
                "feed.txt");
        assertEquals(1, report.stored());
        assertEquals("From a feed", items.byId.get("f1").title());
    }

    /** The worked example of docs/ingestion.md, as written there. */
    @Test
    void theDocumentedPartnerOrdersMappingWorks() throws IOException {
        Files.writeString(mappingsDir.resolve("partner-orders.properties"), String.join("\n",
                "kind = events", "delimiter = ;", "decimal.separator = ,", "timestamp.format = dd.MM.yyyy HH:mm",
                "timestamp.zone = Europe/Berlin", "constant.type = purchase", "concat.id = Bestellung, Artikel",
                "column.user = Kunde", "column.item = Artikel", "column.quantity = Menge", "column.price = Preis",
                "column.timestamp = Zeit", "constant.channel = partner", ""));
        IngestReport report = ingestor.ingestCsv("partner-orders", text("Bestellung;Kunde;Artikel;Menge;Preis;Zeit\n"
                + "A-1001;K-17;SKU-9;2;19,90;03.03.2026 14:05\n"), "out-1.csv");
        assertEquals(1, report.stored(), report.rejections().toString());
        dev.rialto.api.events.Event e = events.byId.get("A-1001:SKU-9");
        assertEquals("K-17", e.userId());
        assertEquals(2, e.quantity());
        assertEquals(new java.math.BigDecimal("19.90"), e.price());
        assertEquals("partner", e.context().channel());
        assertEquals(java.time.Instant.parse("2026-03-03T13:05:00Z"), e.timestamp());
    }
}
