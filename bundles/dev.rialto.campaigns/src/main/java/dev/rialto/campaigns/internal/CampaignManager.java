package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignBusyException;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignNotFoundException;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.RunReport;
import dev.rialto.api.campaigns.RunStatus;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.campaigns.SegmentPreview;
import dev.rialto.api.campaigns.VariantReport;
import dev.rialto.campaigns.internal.CampaignTables.MemberStatus;
import dev.rialto.campaigns.internal.CampaignTables.RunRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign service without OSGi: definitions, triggers, the run drivers with their leases, recovery of
 * interrupted runs, reports. {@link CampaignComponent} wires it to services.
 */
public final class CampaignManager implements CampaignService {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignManager.class);

    /** Told when definitions change, to (re)schedule them. */
    public interface Listener {
        void changed(List<CampaignDefinition> definitions);
    }

    private final CampaignTables tables;
    private final Audience audience;
    private final String node;
    private final Duration lease;
    private final Clock clock;
    private final ExecutorService workers;
    private final ExecutorService drivers;
    private final ScheduledExecutorService timer;
    private final RunEngine engine;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private record Active(AtomicBoolean stop, CountDownLatch done, String campaignId) {
    }

    CampaignManager(CampaignTables tables, Audience audience, Composer composer,
            Function<String, DeliveryChannel> channels, String node, int workers, Duration lease,
            RunEngine.Settings settings, Clock clock) {
        this.tables = tables;
        this.audience = audience;
        this.node = node;
        this.lease = lease;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(workers, named("rialto-campaign-worker"));
        this.drivers = Executors.newCachedThreadPool(named("rialto-campaign-run"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("rialto-campaign-lease"));
        this.engine = new RunEngine(tables, audience, composer, channels, this.workers, workers, settings, clock);
        long period = Math.max(1, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
        listener.changed(list());
    }

    /** Resumes runs this node was running when it stopped, and runs of nodes whose lease ran out. */
    void recover() {
        for (RunRow run : tables.unfinished()) {
            if (active.containsKey(run.id())) {
                continue;
            }
            Optional<CampaignTables.Lock> lock = tables.lock(run.campaignId());
            if (lock.isEmpty() || !lock.get().runId().equals(run.id())) {
                // Finished between the two reads, or an inconsistent row from an older version: nothing holds it.
                continue;
            }
            Instant now = clock.instant();
            if (tables.claim(run.campaignId(), run.id(), node, now.plus(lease), now)) {
                LOG.info("Resuming run {} of campaign {} (interrupted; lease of {})", run.id(), run.campaignId(),
                        lock.get().owner());
                drive(tables.run(run.id()).orElseThrow());
            }
        }
    }

    private void heartbeat() {
        try {
            Instant until = clock.instant().plus(lease);
            active.forEach((runId, a) -> {
                if (!tables.renew(a.campaignId(), runId, node, until)) {
                    LOG.warn("Run {} of campaign {}: lease lost to another node; stopping here", runId, a.campaignId());
                    a.stop().set(true);
                }
            });
            recover();
        } catch (RuntimeException e) {
            LOG.warn("Campaign lease heartbeat failed: {}", e.getMessage());
        }
    }

    private void drive(RunRow run) {
        Active a = new Active(new AtomicBoolean(), new CountDownLatch(1), run.campaignId());
        if (active.putIfAbsent(run.id(), a) != null) {
            return;
        }
        drivers.execute(() -> {
            try {
                RunStatus status = engine.execute(run, a.stop());
                LOG.info("Run {} of campaign {}: {}", run.id(), run.campaignId(), status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Run {} of campaign {} stopped: {}", run.id(), run.campaignId(), e.toString());
            } finally {
                active.remove(run.id());
                a.done().countDown();
            }
        });
    }

    /** Stops driving runs; they stay RUNNING and are resumed by the next start (or another node). */
    void close() {
        closed = true;
        active.values().forEach(a -> a.stop().set(true));
        timer.shutdownNow();
        drivers.shutdown();
        try {
            drivers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        drivers.shutdownNow();
    }

    // ---- definitions

    @Override
    public List<CampaignDefinition> list() {
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignTables.StoredCampaign c : tables.campaigns()) {
            try {
                out.add(CampaignJson.parse(c.json()));
            } catch (IllegalArgumentException e) {
                LOG.warn("Stored campaign {} cannot be read and is ignored: {}", c.id(), e.getMessage());
            }
        }
        return out;
    }

    @Override
    public Optional<CampaignDefinition> get(String id) {
        return list().stream().filter(c -> c.id().equals(id)).findFirst();
    }

    @Override
    public void save(CampaignDefinition definition, String origin) {
        audience.validate(definition.audience());
        tables.saveCampaign(definition.id(), CampaignJson.write(definition), origin == null ? "api" : origin,
                clock.instant());
        LOG.info("Campaign {} saved (from {})", definition.id(), origin);
        notifyListeners();
    }

    @Override
    public boolean delete(String id) {
        boolean deleted = tables.deleteCampaign(id);
        if (deleted) {
            LOG.info("Campaign {} deleted", id);
            notifyListeners();
        }
        return deleted;
    }

    private void notifyListeners() {
        List<CampaignDefinition> all = list();
        for (Listener l : listeners) {
            try {
                l.changed(all);
            } catch (RuntimeException e) {
                LOG.warn("Campaign listener failed: {}", e.toString());
            }
        }
    }

    // ---- runs

    @Override
    public RunSummary trigger(String campaignId, String trigger) {
        if (closed) {
            throw new IllegalStateException("the campaign service is stopping");
        }
        CampaignDefinition d = get(campaignId)
                .orElseThrow(() -> new CampaignNotFoundException("no campaign with id '" + campaignId + "'"));
        if (!d.enabled()) {
            throw new IllegalStateException("campaign " + campaignId + " is disabled");
        }
        Instant now = clock.instant();
        RunRow run = new RunRow(UUID.randomUUID().toString(), campaignId, trigger == null ? "api" : trigger,
                RunStatus.RUNNING, "SNAPSHOT", CampaignJson.write(d), now, null, 0, null);
        Optional<String> busy = tables.startRun(run, node, now.plus(lease));
        if (busy.isPresent()) {
            throw new CampaignBusyException(campaignId, busy.get());
        }
        LOG.info("Run {} of campaign {} started by {}", run.id(), campaignId, run.trigger());
        drive(run);
        return summary(run.id());
    }

    @Override
    public RunSummary runAndWait(String campaignId, String trigger) throws InterruptedException {
        RunSummary started = trigger(campaignId, trigger);
        await(started.runId());
        return summary(started.runId());
    }

    /** Waits until this node stops driving the run (it ended, or this node stopped). */
    void await(String runId) throws InterruptedException {
        Active a = active.get(runId);
        if (a != null) {
            a.done().await();
        }
    }

    @Override
    public List<RunSummary> runs(String campaignId, int limit) {
        List<RunSummary> out = new ArrayList<>();
        for (RunRow r : tables.runs(campaignId, Math.max(1, limit))) {
            out.add(CampaignTables.summary(r, tables.counts(r.id())));
        }
        return out;
    }

    RunSummary summary(String runId) {
        RunRow run = tables.run(runId).orElseThrow(() -> new CampaignNotFoundException("no run with id '" + runId + "'"));
        return CampaignTables.summary(run, tables.counts(runId));
    }

    @Override
    public RunReport report(String runId) {
        RunRow run = tables.run(runId).orElseThrow(() -> new CampaignNotFoundException("no run with id '" + runId + "'"));
        Map<MemberStatus, Map<String, Long>> counts = tables.counts(runId);
        RunSummary summary = CampaignTables.summary(run, counts);
        CampaignDefinition d = CampaignJson.parse(run.definition());
        Instant from = run.started();
        Instant windowEnd = from.plus(d.conversionWindow());
        Instant until = windowEnd.isBefore(clock.instant()) ? windowEnd : clock.instant();
        Map<String, long[]> arms = tables.variants(runId, from, until);
        long[] holdout = arms.get(CampaignDefinition.HOLDOUT);
        List<VariantReport> variants = new ArrayList<>();
        arms.forEach((name, v) -> {
            if (!name.equals(CampaignDefinition.HOLDOUT)) {
                variants.add(variant(name, v, holdout));
            }
        });
        if (holdout != null) {
            variants.add(new VariantReport(CampaignDefinition.HOLDOUT, holdout[0], holdout[1], holdout[2],
                    Uplift.rate(holdout[2], holdout[0]), Double.NaN, Double.NaN, Double.NaN));
        }
        Map<String, Long> failures = new TreeMap<>(counts.getOrDefault(MemberStatus.FAILED, Map.of()));
        return new RunReport(summary, variants, failures, until);
    }

    private static VariantReport variant(String name, long[] v, long[] holdout) {
        double rate = Uplift.rate(v[2], v[0]);
        if (holdout == null || holdout[0] == 0) {
            return new VariantReport(name, v[0], v[1], v[2], rate, Double.NaN, Double.NaN, Double.NaN);
        }
        double base = Uplift.rate(holdout[2], holdout[0]);
        double uplift = rate - base;
        return new VariantReport(name, v[0], v[1], v[2], rate, uplift, base == 0 ? Double.NaN : uplift / base,
                Uplift.pValue(v[2], v[0], holdout[2], holdout[0]));
    }

    @Override
    public SegmentPreview previewSegment(String ruleJson, int sampleSize) {
        int size = Math.max(0, Math.min(sampleSize, 1000));
        List<String> sample = new ArrayList<>(size);
        long[] count = {0};
        long scanned = audience.select(ruleJson, id -> {
            if (sample.size() < size) {
                sample.add(id);
            }
            count[0]++;
        });
        return new SegmentPreview(count[0], scanned, sample);
    }

    static ZoneId zone(String id) {
        return ZoneId.of(id == null || id.isBlank() ? "UTC" : id);
    }
}
