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
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

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
 * Time-decayed popularity, trends and co-visitation per item, in memory: loaded from the store at activation (one
 * scan feeds all three), then kept current by the store's event feed. Each counter holds its value as of its last event and decays exponentially, so an update
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

    private final EventRepository events;
    private final Map<String, DecayedValue> counters = new ConcurrentHashMap<>();
    /** Per item: the short-term (trending window) and the long-term (baseline) decayed popularity. */
    private final Map<String, DecayedValue[]> trends = new ConcurrentHashMap<>();
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
    private double trendShortMillis;
    private double trendLongMillis;
    private double trendSmoothing;
    private CoVisitation coVisitation;
    private final Cached popular = new Cached(this::popularRanking);
    private final Cached trending = new Cached(this::trendingRanking);
    private Thread loader;
    /** Events before this were not loaded, so forgetting them subtracts nothing. */
    private volatile long loadedFromMillis = Long.MIN_VALUE;

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
        trendShortMillis = Settings.positive(config.trending_window_days(), "trending.window.days") * 86_400_000d;
        trendLongMillis = Settings.positive(config.trending_baseline_days(), "trending.baseline.days") * 86_400_000d;
        if (trendLongMillis <= trendShortMillis) {
            throw new IllegalArgumentException("trending.baseline.days must be longer than trending.window.days, was "
                    + config.trending_baseline_days());
        }
        trendSmoothing = Settings.positive(config.trending_smoothing(), "trending.smoothing");
        coVisitation = new CoVisitation(Settings.eventWeights(config.covisit_weights(), "covisit.weights"),
                Settings.positive(config.covisit_session_minutes(), "covisit.session.minutes") * 60_000L,
                Settings.positive(config.covisit_half_life_days(), "covisit.half.life.days") * 86_400_000d,
                Settings.positive(config.covisit_neighbours(), "covisit.neighbours"));
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
                loadedFromMillis = from.toEpochMilli();
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
        LOG.info("Popularity, trends and co-visitation loaded: {} events over {} items ({} with co-visited "
                + "neighbours) in {} ms", n[0], counters.size(), coVisitation.items(),
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
        coVisitation.add(e);
        Double w = weights.get(e.type());
        if (e.itemId() == null || w == null || w <= 0) {
            return;
        }
        long t = e.timestamp().toEpochMilli();
        counters.computeIfAbsent(e.itemId(), k -> new DecayedValue()).add(w, t, halfLifeMillis);
        DecayedValue[] trend = trends.computeIfAbsent(e.itemId(),
                k -> new DecayedValue[] {new DecayedValue(), new DecayedValue()});
        trend[0].add(w, t, trendShortMillis);
        trend[1].add(w, t, trendLongMillis);
        newestMillis.accumulateAndGet(t, Math::max);
        version.incrementAndGet();
    }

    /**
     * Takes a forgotten user's events back out of popularity, trends and co-visitation (the store calls this after
     * deleting them), so that nothing they did keeps ranking items; the rankings are rebuilt on the next read.
     * Waits for the initial load, so the events are not counted again after being taken out.
     *
     * @param events the user's deleted events, oldest first
     * @return how many events were taken out
     */
    public int forget(String userId, List<Event> events) {
        try {
            awaitLoaded(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long from = loadedFromMillis;
        List<Event> counted = new ArrayList<>(events.size());
        for (Event e : events) {
            if (e.timestamp().toEpochMilli() >= from) {
                counted.add(e);
            }
        }
        coVisitation.remove(userId, counted);
        int n = 0;
        for (Event e : counted) {
            Double w = weights.get(e.type());
            if (e.itemId() == null || w == null || w <= 0) {
                continue;
            }
            long t = e.timestamp().toEpochMilli();
            DecayedValue c = counters.get(e.itemId());
            if (c != null && c.subtract(w, t, halfLifeMillis)) {
                counters.remove(e.itemId(), c);
            }
            DecayedValue[] trend = trends.get(e.itemId());
            if (trend != null) {
                boolean shortGone = trend[0].subtract(w, t, trendShortMillis);
                if (trend[1].subtract(w, t, trendLongMillis) && shortGone) {
                    trends.remove(e.itemId(), trend);
                }
            }
            n++;
        }
        version.incrementAndGet();
        popular.invalidate();
        trending.invalidate();
        return n;
    }

    /**
     * Items by decayed score as of the newest event seen, best first. Rebuilt at most every
     * {@code popular.refresh.ms}; the ranking order does not depend on the reference time.
     */
    public Ranking ranking() {
        return popular.get();
    }

    /**
     * Items whose short-term popularity rose above their baseline, by lift, best first. The lift is
     * {@code (short + m) / (long * window / baseline + m)} with {@code m = trending.smoothing}: 1 for an item
     * whose rate is steady, large for one whose events crowd into the last days; only items above 1 are listed.
     * Rebuilt at most every {@code popular.refresh.ms}.
     */
    public Ranking trending() {
        return trending.get();
    }

    /** The decayed co-visitation weights of the item's strongest neighbours, strongest first. */
    public Map<String, Double> coVisited(String itemId) {
        return coVisitation.neighbours(itemId);
    }

    private Ranking popularRanking() {
        long ref = newestMillis.get();
        return sorted(counters, c -> c.valueAt(ref, halfLifeMillis), ref);
    }

    private Ranking trendingRanking() {
        long ref = newestMillis.get();
        double scale = trendShortMillis / trendLongMillis;
        return sorted(trends, t -> {
            double lift = (t[0].valueAt(ref, trendShortMillis) + trendSmoothing)
                    / (t[1].valueAt(ref, trendLongMillis) * scale + trendSmoothing);
            return lift > 1 + 1e-9 ? lift : Double.NaN;
        }, ref);
    }

    /** Values of every entry (NaN leaves it out), sorted best first, ties by id. */
    private static <T> Ranking sorted(Map<String, T> entries, ToDoubleFunction<T> value, long ref) {
        int size = entries.size();
        String[] ids = new String[size];
        double[] values = new double[size];
        int i = 0;
        for (Map.Entry<String, T> e : entries.entrySet()) {
            if (i == size) {
                break;
            }
            double v = value.applyAsDouble(e.getValue());
            if (!Double.isNaN(v)) {
                ids[i] = e.getKey();
                values[i] = v;
                i++;
            }
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
        return new Ranking(List.copyOf(sortedIds), sortedScores,
                ref == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ref));
    }

    /** A ranking rebuilt when events arrived, at most every {@code popular.refresh.ms}. */
    private final class Cached {
        private final Supplier<Ranking> build;
        private volatile Ranking ranking = Ranking.EMPTY;
        private volatile long builtVersion = -1;
        private volatile long builtNanos;

        Cached(Supplier<Ranking> build) {
            this.build = build;
        }

        /** The next read rebuilds, whatever the refresh interval. */
        void invalidate() {
            builtVersion = -1;
        }

        Ranking get() {
            long v = version.get();
            if (v == builtVersion || System.nanoTime() - builtNanos < refreshNanos && builtVersion >= 0) {
                return ranking;
            }
            synchronized (this) {
                long v2 = version.get();
                if (builtVersion == v2) {
                    return ranking;
                }
                ranking = build.get();
                builtVersion = v2;
                builtNanos = System.nanoTime();
                return ranking;
            }
        }
    }
}
