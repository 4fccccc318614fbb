package dev.rialto.campaigns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.campaigns.CampaignBusyException;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.campaigns.RunReport;
import dev.rialto.api.campaigns.RunStatus;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.campaigns.VariantReport;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.campaigns.internal.channel.OutboxChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignManagerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final RunEngine.Settings SETTINGS = new RunEngine.Settings(50, 3, Duration.ofMillis(1), false, true,
            false);

    @TempDir
    Path tmp;
    DataSource ds;
    CampaignTables tables;
    FakeAudience audience;
    OutboxChannel outbox;
    Map<String, DeliveryChannel> channels = new ConcurrentHashMap<>();
    CampaignManager manager;

    @BeforeEach
    void setUp() {
        ds = TestDb.create();
        tables = new CampaignTables(ds);
        audience = new FakeAudience();
        for (int i = 0; i < 1000; i++) {
            audience.add(new Profile(String.format("u%04d", i), Map.of(), Consent.UNKNOWN, Instant.EPOCH, Instant.EPOCH));
        }
        outbox = new OutboxChannel(tmp.resolve("outbox"), false);
        channels.put("outbox", outbox);
        manager = manager("node-1");
    }

    @AfterEach
    void tearDown() {
        manager.close();
        outbox.close();
    }

    CampaignManager manager(String node) {
        return new CampaignManager(tables, audience, new ItemsComposer(), channels::get, node, 2,
                Duration.ofSeconds(30), SETTINGS, Clock.systemUTC());
    }

    static CampaignDefinition campaign(String json) {
        return CampaignJson.parse(json);
    }

    static final String WEEKLY = """
            {"id": "weekly", "steps": [{"type": "recommend", "n": 3}, {"type": "deliver", "channel": "outbox"}],
             "variants": [{"name": "A", "percent": 45}, {"name": "B", "percent": 45}], "holdoutPercent": 10}
            """;

    @Test
    void aRunDeliversOnceToEveryoneButTheHoldoutAndCountsEveryOutcome() throws Exception {
        manager.save(campaign(WEEKLY), "test");
        RunSummary run = manager.runAndWait("weekly", "test");

        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals(1000, run.audience());
        long holdout = run.skipped().getOrDefault("holdout", 0L);
        assertTrue(holdout > 60 && holdout < 140, "about 10% holdout, was " + holdout);
        assertEquals(1000 - holdout, run.delivered());
        assertEquals(0, run.failed());
        assertEquals(0, run.pending());
        List<String> lines = Files.readAllLines(outbox.file("weekly", run.runId()));
        assertEquals(run.delivered(), lines.size());
        assertEquals(lines.size(), deliveryIds(lines).size(), "no delivery twice");
        assertEquals(run.delivered(), tables.deliveries(run.runId()));
        assertEquals(3, JSON.readTree(lines.get(0)).path("items").size());
    }

    @Test
    void aForgottenProfileLeavesNoTraceInCampaignHistory() throws Exception {
        manager.save(campaign(WEEKLY), "test");
        RunSummary run = manager.runAndWait("weekly", "test");
        long before = tables.deliveries(run.runId());
        assertTrue(tables.open(run.runId(), "", 1).isEmpty(), "the run is complete");
        new ForgetListener(ds).userDeleted(new dev.rialto.api.privacy.UserData("u0007", null, List.of(), List.of()));
        Map<CampaignTables.MemberStatus, Map<String, Long>> counts = tables.counts(run.runId());
        long members = counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
        assertEquals(999, members);
        assertTrue(tables.deliveries(run.runId()) >= before - 1);
        assertEquals(0, tables.deliveriesSince(List.of("u0007"), "*", Instant.EPOCH).size());
    }

    @Test
    void theSameProfileLandsInTheSameArmEveryRun() {
        CampaignDefinition d = campaign(WEEKLY);
        Map<String, Integer> arms = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            arms.merge(Assignment.arm(d, "p" + i), 1, Integer::sum);
            assertEquals(Assignment.arm(d, "p" + i), Assignment.arm(d, "p" + i));
        }
        assertTrue(Math.abs(arms.get("A") - 4500) < 250, arms.toString());
        assertTrue(Math.abs(arms.get("B") - 4500) < 250, arms.toString());
        assertTrue(Math.abs(arms.get("holdout") - 1000) < 150, arms.toString());
    }

    @Test
    void consentFrequencyAndMissingProfilesAreSkippedWithTheirReason() throws Exception {
        channels.put("mail", new RecordingChannel(Purpose.EMAIL));
        audience.add(new Profile("yes", Map.of("email", "a@example.org"), new Consent(null, true, null),
                Instant.EPOCH, Instant.EPOCH));
        audience.add(new Profile("no", Map.of("email", "b@example.org"), new Consent(null, false, null),
                Instant.EPOCH, Instant.EPOCH));
        manager.save(campaign("""
                {"id": "mail", "steps": [{"type": "deliver", "channel": "mail"}],
                 "frequencyRules": [{"channel": "mail", "max": 1, "window": "P3D"}]}
                """), "test");
        RunSummary first = manager.runAndWait("mail", "test");
        assertEquals(1, first.delivered(), first.toString());
        assertEquals(1001, first.skipped().get("consent"), "unknown email consent means no (configured)");

        RunSummary second = manager.runAndWait("mail", "test");
        assertEquals(0, second.delivered());
        assertEquals(1, second.skipped().get("frequency"));

        audience.forget("yes");
        manager.save(campaign("""
                {"id": "mail2", "steps": [{"type": "deliver", "channel": "mail"}]}
                """), "test");
        audience.keepIds.add("yes");
        RunSummary third = manager.runAndWait("mail2", "test");
        assertEquals(1, third.skipped().get("profile-gone"));
    }

    @Test
    void failedDeliveriesAreRetriedThenRecordedWithTheirReason() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        channels.put("flaky", new RecordingChannel(Purpose.PERSONALISATION) {
            @Override
            public void deliver(Delivery d) throws DeliveryException {
                calls.incrementAndGet();
                if (d.profileId().equals("u0001")) {
                    throw new DeliveryException("HTTP 400: bad address", false);
                }
                if (d.profileId().equals("u0002")) {
                    throw new DeliveryException("HTTP 503", true);
                }
                super.deliver(d);
            }
        });
        manager.save(campaign("""
                {"id": "hook", "steps": [{"type": "deliver", "channel": "flaky"}]}
                """), "test");
        RunSummary run = manager.runAndWait("hook", "test");
        assertEquals(2, run.failed());
        assertEquals(998, run.delivered());
        RunReport report = manager.report(run.runId());
        assertEquals(Map.of("HTTP 400: bad address", 1L, "HTTP 503", 1L), report.failures());
        assertEquals(1000 + 0 + 2, calls.get(), "the 503 was tried 3 times, the 400 once");
    }

    @Test
    void overlappingTriggersNeverBothRun() throws Exception {
        SlowChannel slow = new SlowChannel(5);
        channels.put("slow", slow);
        manager.save(campaign("""
                {"id": "slow", "steps": [{"type": "deliver", "channel": "slow"}]}
                """), "test");
        RunSummary first = manager.trigger("slow", "test");
        CampaignBusyException busy = assertThrows(CampaignBusyException.class, () -> manager.trigger("slow", "test"));
        assertEquals(first.runId(), busy.runningRunId());
        try (AutoCloseableManager other = closeable(manager("node-2"))) {
            assertThrows(CampaignBusyException.class, () -> other.trigger("slow", "other node"));
        }
        manager.await(first.runId());
        assertEquals(1000, manager.runs("slow", 5).get(0).delivered());
        assertEquals(1000, slow.seen.size());
    }

    @Test
    void aRunStoppedMidwayIsResumedWithoutDuplicateOrGap() throws Exception {
        SlowChannel slow = new SlowChannel(1);
        channels.put("slow", slow);
        OutboxChannel box = new OutboxChannel(tmp.resolve("box"), false);
        channels.put("box", new DeliveryChannel() {
            @Override
            public Purpose purpose() {
                return Purpose.PERSONALISATION;
            }

            @Override
            public void deliver(Delivery d) throws DeliveryException {
                slow.deliver(d);
                box.deliver(d);
            }
        });
        manager.save(campaign("""
                {"id": "big", "steps": [{"type": "recommend"}, {"type": "deliver", "channel": "box"}]}
                """), "test");
        RunSummary run = manager.trigger("big", "test");
        while (slow.seen.size() < 300) {
            Thread.sleep(5);
        }
        manager.close(); // as a shutdown would; kill -9 is the itest's
        box.close();
        RunSummary interrupted = manager.summary(run.runId());
        assertEquals(RunStatus.RUNNING, interrupted.status());
        assertTrue(interrupted.pending() > 0, interrupted.toString());

        // A new node with the same name (a restart) resumes at once, from the database alone.
        slow.delayMs = 0;
        manager = manager("node-1");
        manager.recover();
        manager.await(run.runId());
        RunSummary done = manager.summary(run.runId());
        assertEquals(RunStatus.COMPLETED, done.status());
        assertEquals(1000, done.delivered());
        List<String> lines = Files.readAllLines(new OutboxChannel(tmp.resolve("box"), false).file("big", run.runId()));
        assertEquals(1000, lines.size(), "no gap and no duplicate in the outbox");
        assertEquals(1000, deliveryIds(lines).size());
        assertEquals(1000, tables.deliveries(run.runId()));
    }

    @Test
    void theReportComparesEachArmWithTheHoldout() throws Exception {
        manager.save(campaign(WEEKLY), "test");
        RunSummary run = manager.runAndWait("weekly", "test");
        // Every recipient of A buys, nobody else: A converts 100%, B and the holdout 0%.
        Map<String, String> arms = new HashMap<>();
        audience.profiles.keySet().forEach(id -> arms.put(id, Assignment.arm(campaign(WEEKLY), id)));
        try (Connection c = ds.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO events (id, type, user_id, item_id, quantity, ts) VALUES (?, 'purchase', ?, 'i1', 1, ?)")) {
            for (Map.Entry<String, String> e : arms.entrySet()) {
                if (e.getValue().equals("A")) {
                    insert.setString(1, "e-" + e.getKey());
                    insert.setString(2, e.getKey());
                    insert.setTimestamp(3, CampaignTables.ts(Instant.now()));
                    insert.addBatch();
                }
            }
            // A second purchase counts the buyer once; a purchase before the run is not a conversion.
            String buyer = arms.entrySet().stream().filter(e -> e.getValue().equals("A")).findFirst().orElseThrow()
                    .getKey();
            String other = arms.entrySet().stream().filter(e -> e.getValue().equals("B")).findFirst().orElseThrow()
                    .getKey();
            insert.setString(1, "e-again");
            insert.setString(2, buyer);
            insert.setTimestamp(3, CampaignTables.ts(Instant.now()));
            insert.addBatch();
            insert.setString(1, "e-before");
            insert.setString(2, other);
            insert.setTimestamp(3, CampaignTables.ts(run.started().minusSeconds(60)));
            insert.addBatch();
            insert.executeBatch();
        }
        RunReport report = manager.report(run.runId());
        assertEquals(List.of("A", "B", "holdout"), report.variants().stream().map(VariantReport::variant).toList());
        VariantReport a = report.variants().get(0);
        assertEquals(a.recipients(), a.converted());
        assertEquals(1.0, a.conversionRate());
        assertEquals(1.0, a.uplift());
        assertTrue(a.pValue() < 1e-6, "p = " + a.pValue());
        assertEquals(0, report.variants().get(1).converted());
        assertEquals(0.0, report.variants().get(1).uplift());
    }

    static Set<String> deliveryIds(List<String> lines) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).path("deliveryId").asText());
        }
        return ids;
    }

    static AutoCloseableManager closeable(CampaignManager m) {
        return new AutoCloseableManager(m);
    }

    /** try-with-resources for a second manager. */
    static final class AutoCloseableManager implements AutoCloseable {
        final CampaignManager m;

        AutoCloseableManager(CampaignManager m) {
            this.m = m;
        }

        void trigger(String id, String by) {
            m.trigger(id, by);
        }

        @Override
        public void close() {
            m.close();
        }
    }

    static class FakeAudience implements Audience {
        final Map<String, Profile> profiles = new ConcurrentHashMap<>();
        final Set<String> keepIds = ConcurrentHashMap.newKeySet();

        void add(Profile p) {
            profiles.put(p.id(), p);
        }

        void forget(String id) {
            profiles.remove(id);
        }

        @Override
        public long select(String ruleJson, Consumer<String> ids) {
            Set<String> all = new HashSet<>(profiles.keySet());
            all.addAll(keepIds);
            all.forEach(ids);
            return all.size();
        }

        @Override
        public Map<String, Profile> profiles(Collection<String> ids) {
            Map<String, Profile> out = new HashMap<>();
            ids.forEach(id -> {
                Profile p = profiles.get(id);
                if (p != null) {
                    out.put(id, p);
                }
            });
            return out;
        }
    }

    /** Recommends n items named after the profile. */
    static final class ItemsComposer implements Composer {
        @Override
        public Composed compose(CampaignDefinition d, dev.rialto.api.campaigns.Variant v, Profile p, String runId,
                String deliveryId, Instant now) {
            int n = Integer.parseInt(d.param(v, d.steps().get(0), "n", "3"));
            List<String> items = java.util.stream.IntStream.range(0, n).mapToObj(i -> p.id() + "-i" + i).toList();
            return new Composed(new Delivery(deliveryId, d.id(), runId, v.name(), p.id(), p.attributes().get("email"),
                    null, null, items, null, Map.of(), now), null);
        }
    }

    static class RecordingChannel implements DeliveryChannel {
        final Purpose purpose;
        final Set<String> seen = ConcurrentHashMap.newKeySet();

        RecordingChannel(Purpose purpose) {
            this.purpose = purpose;
        }

        @Override
        public Purpose purpose() {
            return purpose;
        }

        @Override
        public void deliver(Delivery d) throws DeliveryException {
            seen.add(d.deliveryId());
        }
    }

    static final class SlowChannel extends RecordingChannel {
        volatile long delayMs;

        SlowChannel(long delayMs) {
            super(Purpose.PERSONALISATION);
            this.delayMs = delayMs;
        }

        @Override
        public void deliver(Delivery d) throws DeliveryException {
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeliveryException("interrupted", true);
                }
            }
            super.deliver(d);
        }
    }

}
