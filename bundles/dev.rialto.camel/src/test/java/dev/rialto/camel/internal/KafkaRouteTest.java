package dev.rialto.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.RecordIngestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.camel.internal.registry.ServiceBeanRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code ingest-kafka.camel.yaml} against a real Kafka 3.9.1 broker in KRaft mode (combined broker and
 * controller) that the test formats and starts on loopback; messages reach {@code RecordIngestor.ingestMessage}
 * with their partition and offset, and a failing store makes the consumer retry the message instead of losing it.
 */
class KafkaRouteTest {
    @TempDir
    static Path dir;
    static KafkaRaftServer broker;
    static String bootstrap;

    @TempDir
    Path home;
    CamelEngine engine;

    /** Records each message; fails the first {@code failures} calls as a store that is down would. */
    static final class MessageIngestor implements RecordIngestor {
        record Call(String kind, String json, String source, String partition, long offset) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();
        volatile int failures;

        @Override
        public IngestReport ingestRecords(String kind, List<Map<String, Object>> records, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IngestReport ingestMessage(String kind, String json, String source, String partition, long offset) {
            if (failures > 0) {
                failures--;
                throw new dev.rialto.api.common.RialtoException("the store is down");
            }
            calls.add(new Call(kind, json, source, partition, offset));
            List<Rejection> rejections = json.contains("fly")
                    ? List.of(new Rejection(Math.max(1, offset), null, "type", "type 'fly' is not ...")) : List.of();
            return new IngestReport(source, EntityKind.parse(kind), 1, 1 - rejections.size(), 0, rejections);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void startBroker() throws Exception {
        int port = freePort();
        int controller = freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        p.setProperty("num.partitions", "2");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        Path config = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, null);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString()}, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(0, formatted, log.toString(StandardCharsets.UTF_8));
        broker = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        broker.startup();
        bootstrap = "127.0.0.1:" + port;
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private void startRoutes(MessageIngestor ingestor, String topic, boolean enabled) throws IOException {
        Properties overrides = new Properties();
        overrides.setProperty("karaf.home", home.toString());
        overrides.setProperty("rialto.kafka.enabled", Boolean.toString(enabled));
        overrides.setProperty("rialto.kafka.brokers", bootstrap);
        overrides.setProperty("rialto.kafka.topic", topic);
        overrides.setProperty("rialto.kafka.group", "it-" + topic);
        engine = new CamelEngine("test", new ServiceBeanRepository(new ShippedRoutesTest.EmptyDirectory()),
                getClass().getClassLoader(), List.of(), overrides, 5);
        engine.context().getRegistry().bind("ingestor", ingestor);
        engine.start();
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Files.copy(ShippedRoutesTest.ROUTES.resolve("ingest-kafka.camel.yaml"),
                deploy.resolve("ingest-kafka.camel.yaml"));
        engine.deployer().deploy(deploy.resolve("ingest-kafka.camel.yaml"));
    }

    private static void send(String topic, List<String> messages) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < messages.size(); i++) {
                // one key: one partition, so the offsets below are 0..n-1
                producer.send(new ProducerRecord<>(topic, "k", messages.get(i)));
            }
            producer.flush();
        }
    }

    @Test
    void messagesOfATopicReachTheIngestorWithPartitionAndOffset() throws Exception {
        MessageIngestor ingestor = new MessageIngestor();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add("{\"type\":\"" + (i == 7 ? "fly" : "view") + "\",\"user\":\"u" + i
                    + "\",\"item\":\"i1\",\"timestamp\":" + (1_767_261_600_000L + i) + "}");
        }
        send("events-a", messages);
        ingestor.failures = 2; // the store is down for the first two attempts
        startRoutes(ingestor, "events-a", true);

        Await.until("20 messages ingested", 60_000, () -> ingestor.calls.size() >= 20);
        Thread.sleep(500);
        assertEquals(20, ingestor.calls.size(), "each message once, none lost to the failures");
        List<Long> offsets = ingestor.calls.stream().map(MessageIngestor.Call::offset).toList();
        assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), offsets);
        MessageIngestor.Call first = ingestor.calls.get(0);
        assertEquals("events", first.kind());
        assertEquals("kafka:events-a", first.source());
        assertEquals(messages.get(0), first.json());
        String partition = first.partition();
        assertTrue(partition.equals("0") || partition.equals("1"), partition);
        assertTrue(ingestor.calls.stream().allMatch(c -> c.partition().equals(partition)));
    }

    @Test
    void theRouteStaysStoppedUntilEnabled() throws Exception {
        MessageIngestor ingestor = new MessageIngestor();
        send("events-b", List.of("{\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"timestamp\":1}"));
        startRoutes(ingestor, "events-b", false);
        Await.until("the route deployed", 10_000, () -> engine.routes().stream()
                .anyMatch(r -> r.routeId().equals("ingest-kafka")));
        Thread.sleep(2000);
        assertTrue(ingestor.calls.isEmpty());
        assertEquals("Stopped", engine.routes().stream().filter(r -> r.routeId().equals("ingest-kafka")).findFirst()
                .orElseThrow().status());
    }
}
