package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourFile;
import dev.rialto.retrieval.lucene.internal.index.Hit;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

/**
 * Forgetting a user (privacy), and the parts of the fast gather that change results if wrong: one read of the
 * user's events per request, sources asked for their quota, kNN adapted to the filter.
 */
class ForgetAndLatencyDesignTest {

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private Path behaviourDir() {
        return Path.of(fx.config.behaviour_dir());
    }

    private static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(Candidate::itemId).toList();
    }

    @Test
    void forgettingAUserTakesTheirEventsOutOfPopularityTrendingAndCoVisitation() throws Exception {
        fx = new Fixture(dir, 100);
        String a = Catalogue.id(1);
        String b = Catalogue.id(2);
        String c = Catalogue.id(3);
        // The crowd makes c popular; the heavy user alone makes a and b top and co-visited.
        for (int u = 0; u < 3; u++) {
            fx.event(EventType.VIEW, "crowd" + u, c, Fixture.T0.minus(Duration.ofHours(1)));
        }
        List<Event> heavy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant at = Fixture.T0.minus(Duration.ofDays(i)).plusSeconds(10);
            heavy.add(fx.event(EventType.PURCHASE, "heavy", a, at));
            heavy.add(fx.event(EventType.PURCHASE, "heavy", b, at.plusSeconds(60)));
        }
        fx.event(EventType.VIEW, "me", a, Fixture.T0.plus(Duration.ofHours(1)));
        PopularityCounters counters = fx.counters();
        assertEquals(List.of(a, b), ids(fx.popular().candidates(new CandidateQuery(null, null, 2, null))));
        assertTrue(counters.coVisited(a).containsKey(b));
        assertEquals(List.of(b), ids(fx.coVisitation().candidates(new CandidateQuery("me", null, 10, null))));
        assertTrue(ids(fx.trending().candidates(new CandidateQuery(null, null, 10, null))).contains(a));

        ForgetUserListener listener = new ForgetUserListener(counters, fx.index);
        // The store deletes the events, then tells the listeners what it deleted (oldest first).
        heavy.sort(Comparator.comparing(Event::timestamp));
        listener.userDeleted(new UserData("heavy", null, heavy, List.of()));

        List<Candidate> popular = fx.popular().candidates(new CandidateQuery(null, null, 10, null));
        assertEquals(List.of(c, a), ids(popular), "b is gone; a keeps only the view of another user");
        assertEquals(1.0, popular.get(1).score(), 1e-9);
        assertFalse(counters.coVisited(a).containsKey(b));
        assertFalse(counters.coVisited(b).containsKey(a));
        assertEquals(List.of(), fx.coVisitation().candidates(new CandidateQuery("me", null, 10, null)));
        assertFalse(ids(fx.trending().candidates(new CandidateQuery(null, null, 10, null))).contains(b));
        // A second deletion finds nothing left in the store: it changes nothing and does not throw.
        listener.userDeleted(new UserData("heavy", null, List.of(), List.of()));
        listener.userDeleted(new UserData("nobody", null, List.of(), List.of()));
        assertEquals(List.of(c, a), ids(fx.popular().candidates(new CandidateQuery(null, null, 10, null))));
    }

    @Test
    void forgettingAUserDropsTheirBehaviourVectorAlsoOnDisk() throws Exception {
        fx = new Fixture(dir.resolve("index"), 50);
        Random random = new Random(3);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            items.put(Catalogue.id(i), new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()});
        }
        Map<String, float[]> users = Map.of("gone", new float[] {1, 0}, "stays", new float[] {0, 1});
        fx.index.publish(new BehaviourVectors("ials", "1", 2, items, users, 0.1, Fixture.T0));
        assertNotNull(fx.index.behaviour().user("gone"));

        new ForgetUserListener(fx.counters(), fx.index).userDeleted(new UserData("gone", null, List.of(), List.of()));

        assertNull(fx.index.behaviour().user("gone"));
        assertNotNull(fx.index.behaviour().user("stays"));
        assertEquals(50, fx.index.behaviour().vectors().items().size());
        BehaviourVectors onDisk = new BehaviourFile(behaviourDir()).read().orElseThrow();
        assertFalse(onDisk.users().containsKey("gone"), "a restart must not bring the user back");
        assertTrue(onDisk.users().containsKey("stays"));
        assertFalse(fx.index.forgetUser("gone"));
    }

    /** Counts the store reads of a user's recent events. */
    static final class CountingEvents implements EventRepository {
        final EventRepository delegate;
        final AtomicInteger recentReads = new AtomicInteger();

        CountingEvents(EventRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public int append(Collection<Event> events) {
            return delegate.append(events);
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public List<Event> recentForUser(String userId, int limit) {
            recentReads.incrementAndGet();
            return delegate.recentForUser(userId, limit);
        }

        @Override
        public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
            delegate.forEach(from, to, consumer);
        }

        @Override
        public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
            return delegate.countByItem(types, since);
        }

        @Override
        public Instant newestTimestamp() {
            return delegate.newestTimestamp();
        }
    }

    @Test
    void oneRequestReadsTheUsersEventsOnceAndAsksEachSourceForItsQuota() throws Exception {
        fx = new Fixture(dir, 200);
        for (int i = 0; i < 40; i++) {
            fx.event(i % 3 == 0 ? EventType.PURCHASE : EventType.VIEW, "u", Catalogue.id(i * 3),
                    Fixture.T0.minus(Duration.ofMinutes(i)));
            fx.event(EventType.VIEW, "crowd" + (i % 7), Catalogue.id(i), Fixture.T0.minus(Duration.ofMinutes(i)));
        }
        CountingEvents events = new CountingEvents(fx.eventRepo);
        PopularityCounters counters = fx.counters();
        LuceneRecommender recommender = new LuceneRecommender(fx.index, events);
        recommender.activate(fx.config);
        List<CandidateSource> sources = List.of(new TextCandidateSource(fx.index, events),
                new SemanticCandidateSource(fx.index, events), new PopularCandidateSource(counters, fx.index, events),
                new PopularInCategorySource(counters, fx.index, events),
                new CoVisitationCandidateSource(counters, fx.index, events),
                new TrendingCandidateSource(counters, fx.index, events),
                new NewArrivalsCandidateSource(fx.index, events));
        Map<String, Integer> asked = new HashMap<>();
        for (CandidateSource source : sources) {
            source.getClass().getMethod("activate", ItemIndex.Config.class).invoke(source, fx.config);
            CandidateSource spy = new CandidateSource() {
                @Override
                public String name() {
                    return source.name();
                }

                @Override
                public List<Candidate> candidates(CandidateQuery query) {
                    asked.put(source.name(), query.n());
                    return source.candidates(query);
                }
            };
            recommender.addSource(spy, Map.of(ServiceProperties.PROVIDER, source.name()));
        }
        ItemFilter excludeBought = new ItemFilter(null, Set.of(), true, true);
        var r = recommender.recommend(new RecommendationRequest("u", 500, excludeBought));
        assertFalse(r.items().isEmpty());
        assertEquals(1, events.recentReads.get(), "history, purchases and categories are read once per request");
        assertEquals(7, asked.size());
        Map<String, Integer> quotas = dev.rialto.retrieval.lucene.internal.common.Settings.counts(
                fx.config.source_quotas(), "source.quotas");
        for (CandidateSource source : sources) {
            assertEquals(quotas.getOrDefault(source.name(), fx.config.candidates_per_source()),
                    asked.get(source.name()), "each source is asked for its quota, not n: " + asked);
        }
        assertEquals(500, asked.get("popular"));
        assertEquals(100, asked.get("text"));
        assertEquals(200, asked.get("trending"));
        Set<String> bought = new java.util.HashSet<>();
        for (int i = 0; i < 40; i += 3) {
            bought.add(Catalogue.id(i * 3));
        }
        r.items().forEach(it -> assertFalse(bought.contains(it.itemId()), it.itemId()));

        // Outside a recommendation each source reads for itself, as before.
        events.recentReads.set(0);
        sources.get(0).candidates(new CandidateQuery("u", null, 10, null));
        sources.get(3).candidates(new CandidateQuery("u", null, 10, null));
        assertEquals(2, events.recentReads.get());
    }

    @Test
    void filteredKnnMatchesAnExactScanForNarrowAndBroadFilters() throws Exception {
        int n = 400;
        fx = new Fixture(dir.resolve("index"), n);
        Random random = new Random(11);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            items.put(Catalogue.id(i), v);
        }
        fx.index.publish(new BehaviourVectors("ials", "1", 8, items, Map.of(), 0.1, Fixture.T0));
        String field = fx.index.behaviour().field();
        float[] q = {1, -1, 0.5f, 0, 2, 0, -0.5f, 1};
        // Narrow: one category and a price cap (about 5%: scored exactly); broad: half the catalogue.
        ItemFilter narrow = new ItemFilter("Garden", Set.of(), true, false, null, null, new BigDecimal("100"));
        ItemFilter broad = new ItemFilter(null, Set.of(), false, false, null, null, new BigDecimal("204"));
        ItemFilter all = new ItemFilter(null, Set.of(), false, false);
        for (ItemFilter f : List.of(narrow, broad, all)) {
            List<Hit> hits = fx.index.knnField(field, q, 10, ItemIndex.filtered(null, f, Set.of()));
            List<Map.Entry<String, Double>> exact = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                var it = fx.items.get(i);
                if (f.accepts(it.id(), it.category(), it.available(), it.brand(), it.price())) {
                    float[] v = items.get(it.id());
                    double dot = 0;
                    for (int d = 0; d < v.length; d++) {
                        dot += v[d] * q[d];
                    }
                    exact.add(Map.entry(it.id(), dot));
                }
            }
            exact.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            List<String> expected = exact.stream().limit(10).map(Map.Entry::getKey).toList();
            List<String> got = hits.stream().map(Hit::id).toList();
            if (f == narrow) {
                assertEquals(expected, got, "a narrow filter is scored exactly");
            } else {
                // HNSW is approximate; the broad filter asked for k / share^2 = 40 neighbours.
                long overlap = got.stream().filter(expected::contains).count();
                assertTrue(overlap >= (f == broad ? 9 : 8), "filter " + f + ": " + got + " vs " + expected);
                assertEquals(10, got.size());
            }
            for (Hit h : hits) {
                var it = fx.items.get(Integer.parseInt(h.id().substring(5)));
                assertTrue(f.accepts(it.id(), it.category(), it.available(), it.brand(), it.price()), h.id());
            }
            for (int i = 1; i < hits.size(); i++) {
                assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
            }
        }
        // A filter nothing passes finds nothing.
        assertTrue(fx.index.knnField(field, q, 10, ItemIndex.filtered(null,
                new ItemFilter("Nowhere", Set.of(), false, false), Set.of())).isEmpty());
    }
}
