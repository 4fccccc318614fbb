package dev.rialto.retrieval.lucene.internal.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.retrieval.lucene.internal.sources.CoVisitationCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.NewArrivalsCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularInCategorySource;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TrendingCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class LuceneRecommenderTest {

    private static final ModelInfo MODEL = new ModelInfo("ranker", "3", List.of("f1"), Map.of(), null,
            Instant.parse("2024-06-01T00:00:00Z"));

    @TempDir
    Path dir;
    private Fixture fx;
    private LuceneRecommender recommender;

    /** Scores each item by its numeric id, so the expected order is known; counts its calls. */
    static class FakeScorer implements InterestScorer {
        final AtomicInteger calls = new AtomicInteger();
        List<String> lastBatch = List.of();

        @Override
        public Optional<ModelInfo> activeModel() {
            return Optional.of(MODEL);
        }

        @Override
        public ScoreResult score(String userId, List<String> itemIds) {
            calls.incrementAndGet();
            lastBatch = itemIds;
            Map<String, Double> scores = new HashMap<>();
            for (String id : itemIds) {
                scores.put(id, Integer.parseInt(id.substring(5)) / 1000.0);
            }
            return new ScoreResult(MODEL, scores);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture(dir, 200);
        // A garden fan; popularity spread over categories.
        for (int i = 2; i < 30; i += 5) {
            fx.event(EventType.VIEW, "u1", Catalogue.id(i), Fixture.T0.minus(Duration.ofHours(i)));
        }
        for (int i = 0; i < 60; i++) {
            for (int v = 0; v < 60 - i; v++) {
                fx.event(EventType.VIEW, "crowd" + v, Catalogue.id(i), Fixture.T0.minus(Duration.ofHours(1)));
            }
        }
        recommender = new LuceneRecommender(fx.index, fx.eventRepo);
        recommender.activate(fx.config);
        add(fx.text(), TextCandidateSource.NAME);
        add(fx.popular(), PopularCandidateSource.NAME);
        add(fx.popularInCategory(), PopularInCategorySource.NAME);
    }

    private void add(CandidateSource source, String name) {
        recommender.addSource(source, Map.of(ServiceProperties.PROVIDER, name));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Recommendation recommend(int n, ItemFilter filter) {
        return recommender.recommend(new RecommendationRequest("u1", n, filter));
    }

    private Map<String, Double> weights() {
        Map<String, Double> w = dev.rialto.retrieval.lucene.internal.common.Settings.weights(
                fx.config.source_weights(), "source.weights");
        assertEquals(8, w.size(), "the defaults weigh all eight sources");
        return w;
    }

    @Test
    void withoutScorerOrdersByFusedScoreAndTracesSources() {
        Recommendation r = recommend(10, null);
        assertEquals(10, r.items().size());
        assertNull(r.model());
        for (int i = 0; i < r.items().size(); i++) {
            RecommendedItem it = r.items().get(i);
            assertEquals(it.fusedScore(), it.score());
            assertNull(it.modelScore());
            assertNull(it.model());
            assertFalse(it.sources().isEmpty());
            assertFalse(it.title().isEmpty());
            double expected = 0;
            for (SourceHit h : it.sources()) {
                double w = weights().get(h.source());
                expected += w / (60 + h.rank());
            }
            assertEquals(expected, it.fusedScore(), 1e-12);
            if (i > 0) {
                assertTrue(r.items().get(i - 1).score() >= it.score());
            }
        }
        // Garden items found by both text (history) and popular-in-category lead the list.
        RecommendedItem top = r.items().get(0);
        assertEquals("Garden > Tools", top.category());
        assertTrue(top.sources().size() >= 2, top.sources().toString());
    }

    @Test
    void scorerReordersTheHeadByModelScore() {
        FakeScorer scorer = new FakeScorer();
        recommender.bindScorer(scorer);
        Recommendation r = recommend(10, null);
        assertEquals("ranker@3", r.model());
        assertEquals(1, scorer.calls.get(), "one batch per request");
        assertTrue(scorer.lastBatch.size() <= 300);
        assertEquals(10, r.items().size());
        for (int i = 0; i < r.items().size(); i++) {
            RecommendedItem it = r.items().get(i);
            assertEquals(Integer.parseInt(it.itemId().substring(5)) / 1000.0, it.modelScore());
            assertEquals(it.modelScore(), it.score());
            assertEquals("ranker@3", it.model());
            if (i > 0) {
                assertTrue(r.items().get(i - 1).modelScore() > it.modelScore());
            }
        }
        // The best-scored item of the batch comes first.
        String best = scorer.lastBatch.stream().max((a, b) -> a.compareTo(b)).orElseThrow();
        assertEquals(best, r.items().get(0).itemId());

        recommender.unbindScorer(scorer);
        assertNull(recommend(10, null).model());
    }

    /** The fake scorer with a numbering of the catalogue's first {@code known} items: scores by number. */
    static final class NumberedScorer extends FakeScorer {
        final int known;
        final AtomicInteger indexedCalls = new AtomicInteger();
        final dev.rialto.api.scoring.ItemNumbering numbering = new dev.rialto.api.scoring.ItemNumbering() {
            @Override
            public int size() {
                return known;
            }

            @Override
            public int indexOf(String itemId) {
                if (itemId == null || !itemId.startsWith("item-")) {
                    return -1;
                }
                int i = Integer.parseInt(itemId.substring(5));
                return i < known ? i : -1;
            }

            @Override
            public String itemId(int index) {
                return Catalogue.id(java.util.Objects.checkIndex(index, known));
            }
        };

        int[] lastCandidates = new int[0];

        NumberedScorer(int known) {
            this.known = known;
        }

        static int best(int[] candidates) {
            return java.util.Arrays.stream(candidates).max().orElse(-1);
        }

        @Override
        public Optional<dev.rialto.api.scoring.ItemNumbering> numbering() {
            return Optional.of(numbering);
        }

        @Override
        public dev.rialto.api.scoring.ScoreArray scoreIndexed(String userId,
                dev.rialto.api.scoring.ItemNumbering n, int[] candidates) {
            indexedCalls.incrementAndGet();
            lastCandidates = candidates.clone();
            float[] out = new float[candidates.length];
            for (int i = 0; i < out.length; i++) {
                // The scores the map path gives, and NaN (no score) for the best-scoring candidate of the batch.
                out[i] = candidates[i] == best(candidates) ? Float.NaN : (float) (candidates[i] / 1000.0);
            }
            return new dev.rialto.api.scoring.ScoreArray(MODEL, out);
        }
    }

    @Test
    void aScorerWithANumberingScoresTheHeadByNumberAndFallsBackToIdsForUnknownItems() {
        NumberedScorer numbered = new NumberedScorer(200);
        recommender.bindScorer(numbered);
        Recommendation r = recommend(10, null);
        assertEquals(1, numbered.indexedCalls.get());
        assertEquals(0, numbered.calls.get(), "no id map when every head item has a number");
        assertEquals("ranker@3", r.model());
        assertTrue(numbered.lastCandidates.length > 10, "a head longer than n");
        // The item the model would have ranked first got no score (NaN): it counts as unscored and goes after
        // every scored item, so it is not in the top 10.
        String unscored = Catalogue.id(NumberedScorer.best(numbered.lastCandidates));
        for (RecommendedItem it : r.items()) {
            assertEquals((double) (float) (Integer.parseInt(it.itemId().substring(5)) / 1000.0), it.modelScore());
            assertFalse(it.itemId().equals(unscored), "an item without a score is not among the scored");
        }
        recommender.unbindScorer(numbered);

        // A head item the numbering does not know (newer than the scorer's snapshot): scored by id instead.
        NumberedScorer partial = new NumberedScorer(5);
        recommender.bindScorer(partial);
        Recommendation byId = recommend(10, null);
        assertEquals(0, partial.indexedCalls.get());
        assertEquals(1, partial.calls.get());
        assertEquals("ranker@3", byId.model());
        assertEquals(Integer.parseInt(byId.items().get(0).itemId().substring(5)) / 1000.0,
                byId.items().get(0).modelScore());
    }

    @Test
    void itemsTheModelScoredComeFirstAndTiesKeepTheFusedOrder() {
        List<RecommendedItem> fusedOnly = recommend(40, null).items();
        // The model scores every other item of the fused list 0.5 (a tie) and leaves the rest unscored.
        Set<String> scoredIds = new HashSet<>();
        for (int i = 0; i < fusedOnly.size(); i += 2) {
            scoredIds.add(fusedOnly.get(i).itemId());
        }
        recommender.bindScorer(new FakeScorer() {
            @Override
            public ScoreResult score(String userId, List<String> itemIds) {
                Map<String, Double> scores = new HashMap<>();
                itemIds.stream().filter(scoredIds::contains).forEach(id -> scores.put(id, 0.5));
                return new ScoreResult(MODEL, scores);
            }
        });
        List<RecommendedItem> ranked = recommend(40, null).items();
        List<String> expected = new ArrayList<>();
        fusedOnly.stream().map(RecommendedItem::itemId).filter(scoredIds::contains).forEach(expected::add);
        fusedOnly.stream().map(RecommendedItem::itemId).filter(id -> !scoredIds.contains(id)).forEach(expected::add);
        assertEquals(expected, ranked.stream().map(RecommendedItem::itemId).toList());
        assertEquals(0.5, ranked.get(0).modelScore());
        assertNull(ranked.get(ranked.size() - 1).modelScore());
    }

    @Test
    void failingOrModelLessScorerFallsBackToFusion() {
        List<String> fusionOrder = recommend(10, null).items().stream().map(RecommendedItem::itemId).toList();
        recommender.bindScorer(new FakeScorer() {
            @Override
            public ScoreResult score(String userId, List<String> itemIds) {
                throw new ModelUnavailableException("model file vanished");
            }
        });
        for (int i = 0; i < 3; i++) {
            Recommendation r = recommend(10, null);
            assertNull(r.model());
            assertEquals(fusionOrder, r.items().stream().map(RecommendedItem::itemId).toList());
            assertTrue(r.items().stream().allMatch(it -> it.modelScore() == null));
        }
        FakeScorer idle = new FakeScorer() {
            @Override
            public Optional<ModelInfo> activeModel() {
                return Optional.empty();
            }
        };
        recommender.bindScorer(idle);
        assertEquals(fusionOrder, recommend(10, null).items().stream().map(RecommendedItem::itemId).toList());
        assertEquals(0, idle.calls.get());
    }

    @Test
    void excludePurchasedAndFiltersHold() {
        String first = recommend(10, null).items().get(0).itemId();
        fx.event(EventType.PURCHASE, "u1", first, Fixture.T0.plusSeconds(1));
        List<String> kept = recommend(200, null).items().stream().map(RecommendedItem::itemId).toList();
        assertTrue(kept.contains(first));
        List<String> without = recommend(200, new ItemFilter(null, Set.of(), true, true)).items().stream()
                .map(RecommendedItem::itemId).toList();
        assertFalse(without.isEmpty());
        assertFalse(without.contains(first));

        Recommendation books = recommend(20, new ItemFilter("Books", Set.of(Catalogue.id(5)), true, false));
        assertFalse(books.items().isEmpty());
        assertTrue(books.items().stream().allMatch(it -> it.category().startsWith("Books")));
        assertTrue(books.items().stream().noneMatch(it -> it.itemId().equals(Catalogue.id(5))));
    }

    @Test
    void failingOrSloppySourcesDoNotBreakTheRequest() {
        recommender.addSource(new CandidateSource() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                throw new IllegalStateException("boom");
            }
        }, Map.of(ServiceProperties.PROVIDER, "broken"));
        CandidateSource sloppy = new CandidateSource() {
            @Override
            public String name() {
                return "sloppy";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                // Ignores the filter and proposes an unavailable and an unknown item.
                return List.of(new Candidate(Catalogue.id(34), "sloppy", 1, 1),
                        new Candidate("no-such-item", "sloppy", 2, 1));
            }
        };
        recommender.addSource(sloppy, Map.of(ServiceProperties.PROVIDER, "sloppy"));
        List<String> ids = recommend(200, null).items().stream().map(RecommendedItem::itemId).toList();
        assertFalse(ids.isEmpty());
        assertFalse(ids.contains(Catalogue.id(34)));
        assertFalse(ids.contains("no-such-item"));
        recommender.removeSource(sloppy);
    }

    @Test
    void traceNamesTheNewSources() throws Exception {
        add(fx.coVisitation(), CoVisitationCandidateSource.NAME);
        add(fx.trending(), TrendingCandidateSource.NAME);
        add(fx.newArrivals(), NewArrivalsCandidateSource.NAME);
        Recommendation r = recommend(1000, null);
        Set<String> names = new HashSet<>();
        r.items().forEach(it -> it.sources().forEach(h -> names.add(h.source())));
        assertTrue(names.containsAll(Set.of("co-visitation", "trending", "new-arrivals", "text", "popular",
                "popular-in-category")), names.toString());
        // The default weights of the cfg apply to every source.
        for (RecommendedItem it : r.items()) {
            double expected = 0;
            for (SourceHit h : it.sources()) {
                expected += weights().get(h.source()) / (60 + h.rank());
            }
            assertEquals(expected, it.fusedScore(), 1e-12);
        }
    }

    /** Proposes 50 items whatever it is asked, to check that the quota cuts too. */
    private static CandidateSource greedy(String name) {
        return new CandidateSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                List<Candidate> out = new ArrayList<>();
                for (int i = 1; i <= 50; i++) {
                    out.add(new Candidate(Catalogue.id(110 + i), name, i, 1)); // 111-115 are available
                }
                return out;
            }
        };
    }

    @Test
    void quotasCapWhatASourceContributes() {
        LuceneRecommender capped = new LuceneRecommender(fx.index, fx.eventRepo);
        capped.activate(TestConfig.defaults().set("index.dir", dir.toString())
                .set("source.quotas", "popular=3, greedy=5").build());
        int[] asked = {0};
        capped.addSource(new CandidateSource() {
            @Override
            public String name() {
                return "popular";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                asked[0] = query.n();
                List<Candidate> out = new ArrayList<>();
                for (int i = 0; i < Math.min(query.n(), 60); i++) {
                    out.add(new Candidate(Catalogue.id(i + 1), "popular", i + 1, 60 - i));
                }
                return out;
            }
        }, Map.of(ServiceProperties.PROVIDER, "popular"));
        capped.addSource(greedy("greedy"), Map.of(ServiceProperties.PROVIDER, "greedy"));
        capped.addSource(greedy("free"), Map.of(ServiceProperties.PROVIDER, "free"));

        Recommendation r = capped.recommend(new RecommendationRequest("u1", 500, ItemFilter.DEFAULT));
        assertEquals(3, asked[0], "a source with a quota is asked for no more");
        Map<String, Integer> perSource = new HashMap<>();
        r.items().forEach(it -> it.sources().forEach(h -> {
            perSource.merge(h.source(), 1, Integer::sum);
            if (!h.source().equals("free")) {
                assertTrue(h.rank() <= (h.source().equals("popular") ? 3 : 5), h.toString());
            }
        }));
        assertEquals(3, perSource.get("popular"));
        assertEquals(5, perSource.get("greedy"), "a source that ignores n is cut");
        assertTrue(perSource.get("free") > 40, "unlisted sources are not capped");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> capped.activate(
                TestConfig.defaults().set("source.quotas", "popular=0").build()));
        assertTrue(e.getMessage().contains("source.quotas"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> capped.activate(
                TestConfig.defaults().set("source.quotas", "popular=2.5").build()));
        assertTrue(e.getMessage().contains("source.quotas"), e.getMessage());
    }

    @Test
    void askedSourcesOnly() {
        Recommendation r = recommender.recommend(new RecommendationRequest("u1", 10, null,
                Set.of(PopularCandidateSource.NAME)));
        assertEquals(10, r.items().size());
        for (RecommendedItem it : r.items()) {
            assertEquals(List.of(PopularCandidateSource.NAME),
                    it.sources().stream().map(SourceHit::source).toList());
        }
        assertTrue(recommender.recommend(new RecommendationRequest("u1", 10, null, Set.of("no-such-source")))
                .items().isEmpty());
    }

    /** A user-independent source that counts how often it is asked. */
    static final class CountingSource implements CandidateSource {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> users = new ArrayList<>();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public boolean personal() {
            return false;
        }

        @Override
        public List<Candidate> candidates(CandidateQuery query) {
            calls.incrementAndGet();
            users.add(query.userId());
            List<Candidate> out = new ArrayList<>();
            for (int i = 100; i < 100 + query.n() && i < 200; i++) {
                out.add(new Candidate(Catalogue.id(i), "counting", out.size() + 1, 1.0 / (i - 99)));
            }
            return out;
        }
    }

    @Test
    void aBatchAsksUserIndependentSourcesOncePerFilterAndAnswersAsOneByOne() {
        CountingSource counting = new CountingSource();
        add(counting, "counting");
        List<RecommendationRequest> batch = new ArrayList<>();
        for (String u : List.of("u1", "crowd1", "crowd2", "nobody")) {
            batch.add(new RecommendationRequest(u, 8, null));
        }
        batch.add(new RecommendationRequest("u1", 8, new ItemFilter(null, Set.of(), true, true)));
        List<Recommendation> together = recommender.recommendAll(batch);
        // one list for the plain filter; the purchases filter shares it too (purchases are dropped per user)
        assertEquals(1, counting.calls.get());
        assertNull(counting.users.get(0), "a shared list is asked without a user");
        assertEquals(batch.size(), together.size());
        counting.calls.set(0);
        for (int i = 0; i < batch.size(); i++) {
            Recommendation alone = recommender.recommend(batch.get(i));
            assertEquals(batch.get(i).userId(), together.get(i).userId());
            assertEquals(alone.items().stream().map(RecommendedItem::itemId).toList(),
                    together.get(i).items().stream().map(RecommendedItem::itemId).toList(), "request " + i);
        }
        assertEquals(batch.size(), counting.calls.get());
        // a different category filter is another list
        counting.calls.set(0);
        recommender.recommendAll(List.of(new RecommendationRequest("u1", 5, null),
                new RecommendationRequest("u2", 5, new ItemFilter(Catalogue.CATEGORIES[1], Set.of(), true, false))));
        assertEquals(2, counting.calls.get());
    }

    @Test
    void aRequestForFewCandidatesAsksEachSourceAndTheScorerForFewer() {
        CountingSource counting = new CountingSource();
        add(counting, "counting");
        List<Integer> asked = new ArrayList<>();
        recommender.addSource(new CandidateSource() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                asked.add(query.n());
                List<Candidate> out = new ArrayList<>();
                for (int i = 0; i < query.n() && i < 150; i++) {
                    out.add(new Candidate(Catalogue.id(i + 1), "recording", i + 1, 1.0 / (i + 1)));
                }
                return out;
            }
        }, Map.of(ServiceProperties.PROVIDER, "recording"));
        FakeScorer scorer = new FakeScorer();
        recommender.bindScorer(scorer);

        Recommendation all = recommender.recommend(new RecommendationRequest("u1", 4, null));
        assertEquals(List.of(fx.config.candidates_per_source()), asked, "the configured depth by default");
        assertTrue(scorer.lastBatch.size() > 20, "the configured head: " + scorer.lastBatch.size());

        asked.clear();
        Recommendation few = recommender.recommend(new RecommendationRequest("u1", 4, null, Set.of(), 20));
        assertEquals(List.of(20), asked);
        assertTrue(scorer.lastBatch.size() <= 20, "the head is cut too: " + scorer.lastBatch.size());
        assertEquals(4, few.items().size());
        assertEquals(4, all.items().size());
        // never fewer than n
        asked.clear();
        recommender.recommendAll(List.of(new RecommendationRequest("u1", 30, null, Set.of(), 5)));
        assertEquals(List.of(30), asked);
    }
}
