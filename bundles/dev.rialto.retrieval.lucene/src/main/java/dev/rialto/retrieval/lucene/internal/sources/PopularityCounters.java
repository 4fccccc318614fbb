package dev.rialto.retrieval.lucene.internal.sources;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * Time-decayed popularity per item, in memory: loaded from the store at activation, then kept current by the
 * store's event feed. Each counter holds its value as of its last event and decays exponentially, so an update
 * costs O(1) and no periodic sweep is needed.
 */
@Component(service = {PopularityCounters.class, EventListener.class}, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class PopularityCounters implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(PopularityCounters.class);

    /** A ranking snapshot: item ids by decayed score, best first. */
    public record Ranking(List<String> ids, double[] scores, Instant asOf) {
        public static final Ranking EMPTY = new Ranking(List.of(), new double[0], null);
    }

    private static final class Counter {
        private double value;
        private long atMillis = Long.MIN_VALUE;

        synchronized void add(double weight, long tMillis, double halfLifeMillis) {
            if (atMillis == Long.MIN_VALUE) {
                value = weight;
                atMillis = tMillis;
            } else if (tMillis >= atMillis) {
                value = value * Math.pow(0.5, (tMillis - atMillis) / halfLifeMillis) + weight;
                atMillis = tMillis;
            } else {
                value += weight * Math.pow(0.5, (atMillis - tMillis) / halfLifeMillis);
            }
        }

        synchronized double valueAt(long tMillis, double halfLifeMillis) {
            return tMillis <= atMillis ? value : value * Math.pow(0.5, (tMillis - atMillis) / halfLifeMillis);
        }
    }

    private final EventRepository events;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong newestMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object loadLock = new Object();
    private final Set<String> pendingIds = ConcurrentHashMap.newKeySet();

    private List<Event> pending = new ArrayList<>();
    private Map<EventType, Double> weights;
    private double halfLifeMillis;
    private int windowDays;
    private long refreshNanos;
    private volatile Ranking ranking = Ranking.EMPTY;
    private volatile long rankingVersion = -1;
    private volatile long rankingBuiltNanos;
    private Thread loader;

    @Activate
    public PopularityCounters(@Reference(name = "events") EventRepository events) {
        this.events = events;
    }

    @Activate
    public void activate(ItemIndex.Config config) {
        weights = Settings.eventWeights(config.popular_weights(), "popular.weights");
        halfLifeMillis = Settings.positive(config.popular_half_life_days(), "popular.half.life.days") * 86_400_000d;
        windowDays = Settings.positive(config.popular_window_days(), "popular.window.days");
        if (config.popular_refresh_ms() < 0) {
            throw new IllegalArgumentException("popular.refresh.ms must not be negative, was "
                    + config.popular_refresh_ms());
        }
        refreshNanos = config.popular_refresh_ms() * 1_000_000L;
        loader = new Thread(this::load, "rialto-popularity-load");
        loader.setDaemon(true);
        loader.start();
    }

    @Deactivate
    public void deactivate() {
        closing.set(true);
        if (loader != null) {
            loader.interrupt();
        }
    }

    private void load() {
        long start = System.nanoTime();
        long[] n = {0};
        try {
            Instant newest = events.newestTimestamp();
            if (newest != null) {
                Instant from = newest.minus(Duration.ofDays(windowDays));
                events.forEach(from, null, e -> {
                    if (closing.get()) {
                        throw new IllegalStateException("popularity load cancelled");
                    }
                    // Events the feed delivered during the load are applied from the buffer below.
                    if (!pendingIds.contains(e.id())) {
                        add(e);
                        n[0]++;
                    }
                });
            }
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.error("Loading popularity from the event store failed; counting only new events", e);
            }
        } finally {
            synchronized (loadLock) {
                pending.forEach(this::add);
                pending = null;
                pendingIds.clear();
            }
        }
        LOG.info("Popularity loaded: {} events over {} items in {} ms", n[0], counters.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Waits for the initial load; true when it is done. */
    public boolean awaitLoaded(long millis) throws InterruptedException {
        Thread t = loader;
        if (t != null) {
            t.join(millis);
            return !t.isAlive();
        }
        return true;
    }

    @Override
    public void eventsStored(List<Event> stored) {
        if (stored == null) {
            return;
        }
        synchronized (loadLock) {
            if (pending != null) {
                for (Event e : stored) {
                    pending.add(e);
                    pendingIds.add(e.id());
                }
                return;
            }
        }
        stored.forEach(this::add);
    }

    private void add(Event e) {
        Double w = weights.get(e.type());
        if (e.itemId() == null || w == null || w <= 0) {
            return;
        }
        long t = e.timestamp().toEpochMilli();
        counters.computeIfAbsent(e.itemId(), k -> new Counter()).add(w, t, halfLifeMillis);
        newestMillis.accumulateAndGet(t, Math::max);
        version.incrementAndGet();
    }

    /**
     * Items by decayed score as of the newest event seen, best first. Rebuilt at most every
     * {@code popular.refresh.ms}; the ranking order does not depend on the reference time.
     */
    public Ranking ranking() {
        long v = version.get();
        if (v == rankingVersion || System.nanoTime() - rankingBuiltNanos < refreshNanos && rankingVersion >= 0) {
            return ranking;
        }
        synchronized (this) {
            if (rankingVersion == version.get()) {
                return ranking;
            }
            long v2 = version.get();
            long ref = newestMillis.get();
            int size = counters.size();
            String[] ids = new String[size];
            double[] values = new double[size];
            int i = 0;
            for (Map.Entry<String, Counter> e : counters.entrySet()) {
                if (i == size) {
                    break;
                }
                ids[i] = e.getKey();
                values[i] = e.getValue().valueAt(ref, halfLifeMillis);
                i++;
            }
            Integer[] order = new Integer[i];
            for (int k = 0; k < i; k++) {
                order[k] = k;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(k -> -values[k]).thenComparing(k -> ids[k]));
            List<String> sortedIds = new ArrayList<>(i);
            double[] sortedScores = new double[i];
            for (int k = 0; k < i; k++) {
                sortedIds.add(ids[order[k]]);
                sortedScores[k] = values[order[k]];
            }
            ranking = new Ranking(List.copyOf(sortedIds), sortedScores,
                    ref == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ref));
            rankingVersion = v2;
            rankingBuiltNanos = System.nanoTime();
            return ranking;
        }
    }
}
