package dev.rialto.retrieval.lucene.internal.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;
import dev.rialto.retrieval.lucene.internal.sources.BehaviourCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/**
 * Behaviour vectors published into the index and the behaviour source. The vectors are generated here: items in
 * {@value #CLUSTERS} clusters (the item's index modulo the number of clusters), users near one cluster's centre.
 */
class BehaviourTest {

    static final int CLUSTERS = 4;
    static final int DIMS = 16;
    static final int ITEMS = 200;

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    static float[][] centres(Random random, int dims) {
        float[][] c = new float[CLUSTERS][dims];
        for (float[] v : c) {
            for (int i = 0; i < dims; i++) {
                v[i] = (float) random.nextGaussian();
            }
        }
        return c;
    }

    static float[] near(float[] centre, Random random, double noise) {
        float[] v = centre.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (noise * random.nextGaussian());
        }
        return v;
    }

    static BehaviourVectors vectors(String version, int dims, long seed) {
        Random random = new Random(seed);
        float[][] centres = centres(random, dims);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            items.put(Catalogue.id(i), near(centres[i % CLUSTERS], random, 0.3));
        }
        items.put("not-in-store", near(centres[0], random, 0.1));
        Map<String, float[]> users = new HashMap<>();
        for (int c = 0; c < CLUSTERS; c++) {
            users.put("trained" + c, near(centres[c], random, 0.1));
        }
        return new BehaviourVectors("behaviour-ials", version, dims, items, users, 0.1,
                Instant.parse("2024-06-01T00:00:00Z"));
    }

    private BehaviourCandidateSource source() {
        BehaviourCandidateSource s = new BehaviourCandidateSource(fx.index, fx.eventRepo);
        s.activate(fx.config);
        return s;
    }

    private List<Candidate> candidates(String user, int n, ItemFilter filter) {
        return source().candidates(new CandidateQuery(user, null, n, filter));
    }

    private static int cluster(String itemId) {
        return Integer.parseInt(itemId.substring(5)) % CLUSTERS;
    }

    @Test
    void trainedUsersGetTheirClusterAndFiltersApply() throws Exception {
        fx = new Fixture(dir, ITEMS);
        assertTrue(candidates("trained1", 10, ItemFilter.DEFAULT).isEmpty(), "nothing before a publication");
        assertEquals(Optional.empty(), fx.index.current());
        assertEquals(Optional.empty(), fx.index.published(), "the reader has nothing before a publication");
        BehaviourVectors published = vectors("1", DIMS, 7);
        fx.index.publish(published);
        assertEquals(Optional.of("behaviour-ials@1"), fx.index.current());
        // The reader (for the scorer's features) gives the vectors in use; a forgotten user is gone from them.
        BehaviourVectors read = fx.index.published().orElseThrow();
        assertEquals("1", read.version());
        assertArrayEquals(published.items().get(Catalogue.id(3)), read.items().get(Catalogue.id(3)));
        assertArrayEquals(published.users().get("trained1"), read.users().get("trained1"));
        for (int c = 0; c < CLUSTERS; c++) {
            List<Candidate> found = candidates("trained" + c, 30, ItemFilter.DEFAULT);
            assertEquals(30, found.size());
            for (Candidate cand : found) {
                assertEquals(c, cluster(cand.itemId()), "user of cluster " + c + " got " + cand.itemId());
                assertEquals(BehaviourCandidateSource.NAME, cand.source());
            }
        }
        ItemFilter filter = new ItemFilter("Garden", Set.of(Catalogue.id(2)), true, false, null, null,
                new BigDecimal("100"));
        List<Candidate> garden = candidates("trained2", 50, filter);
        assertFalse(garden.isEmpty());
        for (Candidate c : garden) {
            int i = Integer.parseInt(c.itemId().substring(5));
            assertEquals(2, Catalogue.category(i), c.itemId());
            assertTrue(5 + i <= 100 && Catalogue.available(i) && i != 2, c.itemId());
        }
        assertTrue(candidates(null, 10, ItemFilter.DEFAULT).isEmpty(), "anonymous");
        assertTrue(source().candidates(new CandidateQuery("trained1", "a query", 10, null)).isEmpty(), "a search");
        assertEquals(Map.of("behaviour:behaviour-ials@1", (long) ITEMS),
                Map.of("behaviour:behaviour-ials@1", fx.index.status(false).vectorsByModel()
                        .get("behaviour:behaviour-ials@1")));
        assertTrue(fx.index.forgetUser("trained1"));
        assertFalse(fx.index.published().orElseThrow().users().containsKey("trained1"));
        assertTrue(fx.index.published().orElseThrow().users().containsKey("trained2"));
    }

    @Test
    void unknownUsersAreFoldedInFromTheirRecentItems() throws Exception {
        fx = new Fixture(dir, ITEMS);
        fx.index.publish(vectors("1", DIMS, 11));
        for (int i = 3; i < 40; i += CLUSTERS) {
            fx.event(EventType.VIEW, "newcomer", Catalogue.id(i), Fixture.T0.minus(Duration.ofMinutes(i)));
        }
        List<Candidate> found = candidates("newcomer", 20, ItemFilter.DEFAULT);
        assertEquals(20, found.size());
        long inCluster = found.stream().filter(c -> cluster(c.itemId()) == 3).count();
        assertEquals(20, inCluster, "folded in next to the items of cluster 3: " + found);
        assertTrue(candidates("no-history", 10, ItemFilter.DEFAULT).isEmpty());
    }

    @Test
    void foldInSolvesTheIalsNormalEquations() {
        BehaviourVectors v = vectors("1", 8, 3);
        BehaviourModel model = new BehaviourModel(v);
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put(Catalogue.id(1), 5.0);
        weights.put(Catalogue.id(5), 1.0);
        weights.put(Catalogue.id(9), 0.5);
        weights.put("unknown", 3.0);
        double alpha = 4;
        float[] x = model.foldIn(weights, alpha);
        // Check (YᵀY + Σ (c-1) y yᵀ + λI) x = Σ c y, computed naively here.
        int d = 8;
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (float[] y : v.items().values()) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] += y[i] * (double) y[j];
                }
            }
        }
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            float[] y = v.items().get(e.getKey());
            if (y == null) {
                continue;
            }
            double c = 1 + alpha * e.getValue();
            for (int i = 0; i < d; i++) {
                b[i] += c * y[i];
                for (int j = 0; j < d; j++) {
                    a[i][j] += (c - 1) * y[i] * y[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += v.regularisation();
            double lhs = 0;
            for (int j = 0; j < d; j++) {
                lhs += a[i][j] * x[j];
            }
            assertEquals(b[i], lhs, 1e-3 * Math.max(1, Math.abs(b[i])), "row " + i);
        }
        assertNull(model.foldIn(Map.of("unknown", 1.0), alpha));
        assertEquals("bvec_8", model.field());
    }

    @Test
    void publicationsSurviveARestartAndItemUpdates() throws Exception {
        fx = new Fixture(dir, ITEMS);
        BehaviourVectors v = vectors("1", DIMS, 5);
        fx.index.publish(v);
        List<Candidate> before = candidates("trained0", 10, ItemFilter.DEFAULT);
        fx.close();
        fx = null;

        ItemIndex reopened = new ItemIndex(new dev.rialto.retrieval.lucene.internal.testing.FakeItemRepository(
                Catalogue.generate(ITEMS)));
        ItemIndex.Config config = TestConfig.defaults().set("index.dir", dir.toString()).build();
        reopened.activate(config);
        try {
            assertEquals(Optional.of("behaviour-ials@1"), reopened.current());
            BehaviourModel model = reopened.behaviour();
            assertArrayEquals(v.users().get("trained0"), model.user("trained0"));
            assertEquals(v.items().size(), model.vectors().items().size());
            assertEquals(0.1, model.vectors().regularisation());
            dev.rialto.retrieval.lucene.internal.testing.FakeEventRepository events =
                    new dev.rialto.retrieval.lucene.internal.testing.FakeEventRepository();
            BehaviourCandidateSource s = new BehaviourCandidateSource(reopened, events);
            s.activate(config);
            List<Candidate> after = s.candidates(new CandidateQuery("trained0", null, 10, ItemFilter.DEFAULT));
            assertEquals(before.stream().map(Candidate::itemId).toList(),
                    after.stream().map(Candidate::itemId).toList());

            // An item updated through the feed keeps its behaviour vector.
            String top = after.get(0).itemId();
            reopened.itemsStored(List.of(new Item(top, "Renamed", "", Catalogue.CATEGORIES[0], BigDecimal.ONE,
                    "EUR", true, "en", Map.of())));
            List<Candidate> again = s.candidates(new CandidateQuery("trained0", null, 10, ItemFilter.DEFAULT));
            assertEquals(top, again.get(0).itemId());
        } finally {
            reopened.deactivate();
        }
    }

    @Test
    void aNewPublicationReplacesTheOldOneEvenWithOtherDimensions() throws Exception {
        fx = new Fixture(dir, ITEMS);
        fx.index.publish(vectors("1", DIMS, 1));
        BehaviourVectors wider = vectors("2", 24, 2);
        fx.index.publish(wider);
        assertEquals(Optional.of("behaviour-ials@2"), fx.index.current());
        List<Candidate> found = candidates("trained3", 20, ItemFilter.DEFAULT);
        assertEquals(20, found.size());
        assertTrue(found.stream().allMatch(c -> cluster(c.itemId()) == 3), found.toString());
        Map<String, Long> counts = fx.index.status(false).vectorsByModel();
        assertEquals(ITEMS, counts.get("behaviour:behaviour-ials@2"));
        assertEquals(0, fx.index.vectorCount("none"));

        // Through the recommender, with the trace naming the source.
        LuceneRecommender recommender = new LuceneRecommender(fx.index, fx.eventRepo);
        recommender.activate(fx.config);
        recommender.addSource(source(), Map.of(ServiceProperties.PROVIDER, BehaviourCandidateSource.NAME));
        Recommendation r = recommender.recommend(new RecommendationRequest("trained3", 5, null));
        assertEquals(5, r.items().size());
        assertEquals(BehaviourCandidateSource.NAME, r.items().get(0).sources().get(0).source());
    }
}
