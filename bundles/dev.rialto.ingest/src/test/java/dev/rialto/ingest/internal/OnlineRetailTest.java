package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in mapping online-retail, on a sample with each quirk of the dataset and on the real file. */
class OnlineRetailTest {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineRetailTest.class);
    /** The dataset beside the repository (see ../shared/datasets/online-retail/README.md); not in the repo. */
    static final Path REAL_FILE = Path.of("../../../shared/datasets/online-retail/online_retail.csv.gz");

    static final String SAMPLE = """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
            536365,71053,"RECORD FRAME 7"" SINGLE SIZE ",6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
            536366,22633,"HAND WARMER UNION JACK, RED",6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
            536366,22633,"HAND WARMER UNION JACK, RED",6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
            C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
            C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,2010-12-01 09:49:00,4.65,15311.0,United Kingdom
            536370,POST,POSTAGE,3,2010-12-01 08:45:00,18.0,12583.0,France
            536544,DOT,DOTCOM POSTAGE,1,2010-12-01 14:32:00,569.77,,United Kingdom
            536569,M,Manual,1,2010-12-01 15:35:00,1.25,16274.0,United Kingdom
            537143,BANK CHARGES,Bank Charges,1,2010-12-05 12:00:00,15.0,,United Kingdom
            537197,gift_0001_20,Dotcomgiftshop Gift Voucher \u00a320.00,1,2010-12-05 14:02:00,17.02,,United Kingdom
            536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom
            536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,United Kingdom
            536589,21777,,-10,2010-12-01 16:50:00,0.0,,United Kingdom
            540000,22001,NEGATIVE WITH A CUSTOMER,-2,2011-01-04 10:00:00,1.0,12346.0,United Kingdom
            536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom
            536368,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2011-06-01 08:34:00,2.95,13047.0,United Kingdom
            """;

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
        // no etc folder: the built-in mapping is used
        ingestor.activate(Fakes.config("UTC", 1000, 65536, 1_000_000, ""));
    }

    @Test
    void sampleWithEveryQuirk() {
        IngestReport report = ingestor.ingestCsv("online-retail", FormatsAndMappingsTest.gzip(SAMPLE),
                "online_retail.csv.gz");
        assertEquals(EntityKind.EVENTS, report.kind());
        assertEquals(17, report.read());
        assertEquals(6, report.stored());
        assertEquals(0, report.duplicates());
        assertEquals("6|C536379:D:6|InvoiceNo;7|C536383:35004C:7|InvoiceNo;8|536370:POST:8|StockCode;"
                + "9|536544:DOT:9|StockCode;10|536569:M:10|StockCode;11|537143:BANK CHARGES:11|StockCode;"
                + "12|537197:gift_0001_20:12|StockCode;13|536414:22139:13|CustomerID;14|536544:21773:14|CustomerID;"
                + "15|536589:21777:15|CustomerID;16|540000:22001:16|Quantity",
                report.rejections().stream().map(r -> r.line() + "|" + r.recordId() + "|" + r.field())
                        .collect(Collectors.joining(";")));
        List<Rejection> r = report.rejections();
        assertEquals("cancellation, not a purchase (InvoiceNo 'C536379')", r.get(0).reason());
        assertEquals("not a product (postage, fee, discount, adjustment, sample or voucher) (StockCode 'POST')",
                r.get(2).reason());
        assertEquals("CustomerID must not be blank", r.get(7).reason());
        assertEquals("Quantity must be at least 1, was '-2'", r.get(10).reason());

        Event first = events.byId.get("536365:85123A:2");
        assertEquals(new Event("536365:85123A:2", EventType.PURCHASE, "17850", "85123A", 6,
                Instant.parse("2010-12-01T08:26:00Z")), first);
        // the repeated line is a second purchase, not a duplicate
        assertEquals(List.of("536365:85123A:2", "536365:71053:3", "536366:22633:4", "536366:22633:5",
                "536367:84879:17", "536368:85123A:18"), List.copyOf(events.byId.keySet()));
        // British summer time
        assertEquals(Instant.parse("2011-06-01T07:34:00Z"), events.byId.get("536368:85123A:18").timestamp());

        assertEquals(java.util.Set.of("85123A", "71053", "22633", "84879"), items.byId.keySet());
        assertEquals(4, items.byId.size());
        Item frame = items.byId.get("71053");
        assertEquals("RECORD FRAME 7\" SINGLE SIZE", frame.title());
        assertEquals("HAND WARMER UNION JACK, RED", items.byId.get("22633").title());
        assertEquals("GBP", frame.currency());
        assertEquals(Map.of(), frame.attributes());
        assertEquals(new BigDecimal("2.95"), items.byId.get("85123A").price(), "the last row of a stock code wins");

        assertEquals(2, profiles.byId.size());
        assertEquals(Map.of("country", "United Kingdom"), profiles.byId.get("17850").attributes());
        assertTrue(profiles.byId.containsKey("13047"));

        IngestReport again = ingestor.ingestCsv("online-retail", FormatsAndMappingsTest.gzip(SAMPLE),
                "online_retail.csv.gz");
        assertEquals(0, again.stored());
        assertEquals(6, again.duplicates());
        assertEquals(11, again.rejections().size());
        assertEquals(6, events.byId.size());
    }

    /**
     * The real file: 541,909 rows. 396,374 purchases are stored (the README's 397,924 purchases with a customer
     * and a positive quantity, less 1,550 lines of postage, fees and vouchers); 3,660 products and 4,335 customers
     * (the README's 3,665 and 4,339 count those non-products and the customers who bought only them).
     */
    @Test
    void realFileWhenPresent() throws IOException {
        assumeTrue(Files.isRegularFile(REAL_FILE), "no " + REAL_FILE.toAbsolutePath().normalize());
        long start = System.nanoTime();
        IngestReport report;
        try (InputStream in = Files.newInputStream(REAL_FILE)) {
            report = ingestor.ingestCsv("online-retail", in, REAL_FILE.getFileName().toString());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(541_909, report.read());
        assertEquals(396_374, report.stored());
        assertEquals(0, report.duplicates());
        Map<String, Long> byField = new TreeMap<>(report.rejections().stream()
                .collect(Collectors.groupingBy(Rejection::field, Collectors.counting())));
        // InvoiceNo: cancellations; StockCode: non-products; CustomerID: no customer
        assertEquals(Map.of("InvoiceNo", 9_288L, "StockCode", 2_362L, "CustomerID", 133_885L), byField);
        assertEquals(report.read(), report.stored() + report.rejections().size());
        assertEquals(396_374, events.byId.size());
        assertEquals(3_660, items.byId.size());
        assertEquals(4_335, profiles.byId.size());
        assertEquals(new Event("536365:85123A:2", EventType.PURCHASE, "17850", "85123A", 6,
                Instant.parse("2010-12-01T08:26:00Z")), events.byId.get("536365:85123A:2"));
        // No bound asserted: the time depends on the load of the shared machine.
        LOG.info("online_retail.csv.gz ingested in {} ms", millis);
    }
}
