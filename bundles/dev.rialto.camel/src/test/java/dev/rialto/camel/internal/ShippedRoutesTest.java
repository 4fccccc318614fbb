package dev.rialto.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.camel.internal.Fakes.FakeIngestor;
import dev.rialto.camel.internal.Fakes.FakeTrainer;
import dev.rialto.camel.internal.Fakes.IngestCall;
import dev.rialto.camel.internal.registry.ServiceBeanRepository;
import dev.rialto.camel.internal.registry.ServiceDirectory;
import dev.rialto.camel.internal.registry.ServiceHandle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real files of camel-routes/ against fake beans, with a temp folder as karaf.home. */
class ShippedRoutesTest {
    static final Path ROUTES = Path.of("../../camel-routes").toAbsolutePath().normalize();

    @TempDir
    Path home;
    CamelEngine engine;
    final FakeIngestor ingestor = new FakeIngestor();
    final FakeTrainer trainer = new FakeTrainer();

    @BeforeEach
    void start() {
        Properties overrides = new Properties();
        overrides.setProperty("karaf.home", home.toString());
        overrides.setProperty("rialto.ingest.lock.interval", "50");
        overrides.setProperty("rialto.ingest.lock.minAge", "50");
        overrides.setProperty("rialto.ingest.poll", "100");
        overrides.setProperty("rialto.train.delay", "0");
        overrides.setProperty("rialto.train.period", "200");
        overrides.setProperty("rialto.train.cron", "*/5 3 * * 1-5");
        engine = new CamelEngine("test", new ServiceBeanRepository(new EmptyDirectory()),
                getClass().getClassLoader(), List.of(), overrides, 5);
        engine.context().getRegistry().bind("ingestor", ingestor);
        engine.context().getRegistry().bind("trainer", trainer);
        engine.start();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void goodFileIsIngestedAndMovedToDone() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path items = Files.createDirectories(home.resolve("inbox/items"));
        Files.writeString(items.resolve("catalogue.CSV"), "item_id,title\ni-1,Red shoe\ni-2,Blue hat\n");

        Await.until("catalogue.CSV in .done", 10_000, () -> Files.exists(items.resolve(".done/catalogue.CSV")));
        assertFalse(Files.exists(items.resolve("catalogue.CSV")));
        assertEquals(List.of(new IngestCall("items", "catalogue.CSV", "item_id,title\ni-1,Red shoe\ni-2,Blue hat\n")),
                ingestor.calls);
        assertFalse(Files.exists(items.resolve(".error")), "nothing goes to .error");
    }

    @Test
    void fileWithRejectionsGoesToErrorWithRejectionsCsv() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path events = Files.createDirectories(home.resolve("inbox/events"));
        Files.writeString(events.resolve("reject-me.csv"), "event_id,user\ne-1,u-1\ne-2,u-2\n");

        Path rejections = events.resolve(".error/reject-me.csv.rejections.csv");
        Await.until("rejections csv", 10_000,
                () -> Files.exists(events.resolve(".error/reject-me.csv")) && Files.exists(rejections));
        assertEquals("line,record,field,reason\n3,i-2,price,price is not a number: 'abc'\n",
                Files.readString(rejections));
        assertEquals("events", ingestor.calls.get(0).kind());
        assertFalse(Files.exists(events.resolve(".done/reject-me.csv")));
    }

    @Test
    void refusedFileGoesToErrorWithTheReasonAndTheRouteGoesOn() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path items = Files.createDirectories(home.resolve("inbox/items"));
        Files.writeString(items.resolve("bad.csv"), "title\nRed shoe\n");

        Path errorTxt = items.resolve(".error/bad.csv.error.txt");
        Await.until("error txt", 10_000, () -> Files.exists(items.resolve(".error/bad.csv")) && Files.exists(errorTxt));
        assertEquals("header misses required column item_id", Files.readString(errorTxt));

        // the consumer goes on with the next file
        Files.writeString(items.resolve("next.csv"), "item_id,title\ni-9,Green scarf\n");
        Await.until("next.csv in .done", 10_000, () -> Files.exists(items.resolve(".done/next.csv")));
        assertEquals(List.of("Started", "Started", "Started", "Started"),
                engine.routes().stream().map(r -> r.status()).toList());
    }

    @Test
    void hiddenAndTemporaryFilesAreLeftAlone() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path items = Files.createDirectories(home.resolve("inbox/items"));
        Files.writeString(items.resolve(".hidden.csv"), "item_id\ni-1\n");
        Files.writeString(items.resolve("half.csv.tmp"), "item_id\ni-1\n");
        Files.writeString(items.resolve("notes.txt"), "not a csv");
        Files.writeString(items.resolve("ok.csv"), "item_id\ni-1\n");

        Await.until("ok.csv in .done", 10_000, () -> Files.exists(items.resolve(".done/ok.csv")));
        assertTrue(Files.exists(items.resolve(".hidden.csv")));
        assertTrue(Files.exists(items.resolve("half.csv.tmp")));
        assertTrue(Files.exists(items.resolve("notes.txt")));
        assertEquals(List.of("ok.csv"), ingestor.calls.stream().map(IngestCall::source).toList());
    }

    @Test
    void trainModelsAsksTheTrainerWithTheConfiguredCron() {
        deploy("train-models.camel.yaml");
        Await.until("two ticks", 10_000, () -> trainer.crons.size() >= 2);
        assertTrue(trainer.crons.stream().allMatch("*/5 3 * * 1-5"::equals), trainer.crons.toString());
        assertTrue(trainer.calls.isEmpty(), "never train(force) directly");
        assertEquals("train-models", engine.routes().get(0).routeId());
        assertTrue(engine.problems().isEmpty(), () -> engine.problems().toString());
    }

    @Test
    void shippedFilesDeployWithTheExpectedRouteIds() {
        deploy("ingest-files.camel.yaml");
        deploy("train-models.camel.yaml");
        assertEquals(List.of("ingest-events", "ingest-items", "ingest-online-retail", "ingest-profiles",
                "train-models"),
                engine.routes().stream().map(r -> r.routeId()).toList());
        assertTrue(engine.problems().isEmpty(), () -> engine.problems().toString());
    }

    @Test
    void profilesFolderIsIngestedAsProfiles() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path profiles = Files.createDirectories(home.resolve("inbox/profiles"));
        Files.writeString(profiles.resolve("people.csv"), "id,country\nu-1,GB\n");

        Await.until("people.csv in .done", 10_000, () -> Files.exists(profiles.resolve(".done/people.csv")));
        assertEquals(List.of(new IngestCall("profiles", "people.csv", "id,country\nu-1,GB\n")), ingestor.calls);
    }

    @Test
    void templatedRoutesSurviveARedeployOfTheirFile() {
        deploy("ingest-files.camel.yaml");
        engine.deployer().undeploy(ROUTES.resolve("ingest-files.camel.yaml"));
        assertTrue(engine.routes().isEmpty(), () -> engine.routes().toString());
        deploy("ingest-files.camel.yaml");
        assertEquals(List.of("ingest-events", "ingest-items", "ingest-online-retail", "ingest-profiles"),
                engine.routes().stream().map(r -> r.routeId()).toList());
    }

    @Test
    void tsvJsonLinesAndGzippedFilesAreReadOthersLeftAlone() throws IOException {
        deploy("ingest-files.camel.yaml");
        Path items = Files.createDirectories(home.resolve("inbox/items"));
        Files.writeString(items.resolve("a.tsv"), "item_id\ttitle\ni-1\tRed shoe\n");
        Files.writeString(items.resolve("b.jsonl"), "{\"id\":\"i-2\",\"title\":\"Blue hat\"}\n");
        Files.writeString(items.resolve("c.NDJSON"), "{\"id\":\"i-3\",\"title\":\"Scarf\"}\n");
        Files.write(items.resolve("d.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
        Files.writeString(items.resolve("e.json"), "{}");
        Files.writeString(items.resolve("f.gz"), "not a named format");

        Await.until("four files in .done", 10_000, () -> Files.exists(items.resolve(".done/a.tsv"))
                && Files.exists(items.resolve(".done/b.jsonl")) && Files.exists(items.resolve(".done/c.NDJSON"))
                && Files.exists(items.resolve(".done/d.csv.gz")));
        assertEquals(List.of("a.tsv", "b.jsonl", "c.NDJSON", "d.csv.gz"),
                ingestor.calls.stream().map(IngestCall::source).sorted().toList(),
                "the ingestor gets the file name: it picks the format from it");
        assertTrue(Files.exists(items.resolve("e.json")));
        assertTrue(Files.exists(items.resolve("f.gz")));
    }

    @Test
    void onlineRetailFolderPassesTheMappingNameAsTheKind() throws IOException {
        MappedIngestor mapped = new MappedIngestor();
        engine.context().getRegistry().unbind("ingestor");
        engine.context().getRegistry().bind("ingestor", mapped);
        deploy("ingest-files.camel.yaml");
        Path folder = Files.createDirectories(home.resolve("inbox/online-retail"));
        Files.write(folder.resolve("online_retail.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});

        Path rejections = folder.resolve(".error/online_retail.csv.gz.rejections.csv");
        Await.until("rejections csv", 10_000, () -> Files.exists(rejections)
                && Files.exists(folder.resolve(".error/online_retail.csv.gz")));
        assertEquals(List.of(new IngestCall("online-retail", "online_retail.csv.gz", "")), mapped.calls);
        assertEquals("line,record,field,reason\n3,C536379:D:3,InvoiceNo,\"cancellation, not a purchase\"\n",
                Files.readString(rejections));
    }

    private void deploy(String name) {
        Path file = ROUTES.resolve(name);
        assertTrue(Files.exists(file), "missing " + file);
        engine.deployer().deploy(file);
        assertTrue(engine.problems().isEmpty(), () -> engine.problems().toString());
    }

    /** Answers like the real ingestor with the online-retail mapping: events, some rows rejected. */
    public static final class MappedIngestor implements Ingestor {
        final List<IngestCall> calls = new CopyOnWriteArrayList<>();

        @Override
        public IngestReport ingestCsv(String kind, InputStream in, String source) {
            calls.add(new IngestCall(kind, source, ""));
            return new IngestReport(source, EntityKind.EVENTS, 3, 1, 0,
                    List.of(new Rejection(3, "C536379:D:3", "InvoiceNo", "cancellation, not a purchase")));
        }
    }

    /** No OSGi services: the fakes are bound in Camel's own registry. */
    static final class EmptyDirectory implements ServiceDirectory {
        @Override
        public ServiceHandle byBeanName(String name) {
            return null;
        }

        @Override
        public ServiceHandle byClassName(String className) {
            return null;
        }

        @Override
        public List<ServiceHandle> byType(Class<?> type) {
            return List.of();
        }

        @Override
        public ServiceHandle byId(long id) {
            return null;
        }
    }
}
