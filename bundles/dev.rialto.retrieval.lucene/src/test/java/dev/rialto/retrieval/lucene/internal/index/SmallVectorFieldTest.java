package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Answers;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/**
 * A small vector field's kNN (columns, and similarity rows for a history's mean) answers what Lucene's exact scan of
 * the same vectors answers, on an index with small fields off as the reference.
 */
class SmallVectorFieldTest {

    private static final String MODEL = "rand-en";
    private static final int DIMS = 24;

    @TempDir
    Path dir;
    @TempDir
    Path refDir;
    private Fixture fx;
    /** The same catalogue with small fields off, scanned exactly by Lucene under any filter. */
    private Fixture ref;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    /** A pseudo-random unit vector per text: no two items tie, unlike a bag of words. */
    static final class RandomEmbedder implements TextEmbedder {
        @Override
        public String model() {
            return MODEL;
        }

        @Override
        public int dimensions() {
            return DIMS;
        }

        @Override
        public Set<String> languages() {
            return Set.of("en");
        }

        @Override
        public float[][] embed(List<String> batch) {
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
                Random r = new Random(batch.get(i).hashCode());
                float[] v = new float[DIMS];
                double norm = 0;
                for (int d = 0; d < DIMS; d++) {
                    v[d] = (float) r.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < DIMS; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                out[i] = v;
            }
            return out;
        }
    }

    private Fixture open(int n, TestConfig config) throws Exception {
        fx = new Fixture(dir, Catalogue.generate(n), config, new RandomEmbedder());
        assertTrue(fx.index.awaitVectors(30_000));
        assertTrue(fx.index.awaitWarm(10_000));
        return fx;
    }

    private void openReference(int n) throws Exception {
        ref = new Fixture(refDir, Catalogue.generate(n), TestConfig.defaults().set("knn.small.max.items", 0)
                .set("knn.exact.share", 1.0), new RandomEmbedder());
        assertTrue(ref.index.awaitVectors(30_000));
    }

    /** The normalised weighted mean, as the semantic source builds it: the coefficients' sum of the vectors. */
    private static float[] mean(ItemIndex index, Map<String, Double> weights) {
        Map<String, ItemVector> vectors = index.vectors(weights.keySet());
        float[] mean = new float[DIMS];
        coefficients(index, weights).forEach((id, c) -> {
            float[] v = vectors.get(id).vector();
            for (int d = 0; d < DIMS; d++) {
                mean[d] += (float) (c * v[d]);
            }
        });
        return mean;
    }

    /** The weights divided by the norm of their weighted sum: each item's coefficient in the normalised mean. */
    private static Map<String, Double> coefficients(ItemIndex index, Map<String, Double> weights) {
        Map<String, ItemVector> vectors = index.vectors(weights.keySet());
        double[] sum = new double[DIMS];
        weights.forEach((id, w) -> {
            float[] v = vectors.get(id).vector();
            for (int d = 0; d < DIMS; d++) {
                sum[d] += w * v[d];
            }
        });
        double norm = 0;
        for (double x : sum) {
            norm += x * x;
        }
        double scale = 1 / Math.sqrt(norm);
        Map<String, Double> out = new LinkedHashMap<>();
        weights.forEach((id, w) -> out.put(id, w * scale));
        return out;
    }

    /** The kNN of the history's mean, from the weights as the semantic source gives them. */
    private List<Hit> ofMean(Map<String, Double> weights, float[] mean, int k, ItemFilter filter, Set<String> extra) {
        return fx.index.knnOfMean(MODEL, coefficients(fx.index, weights), mean, k, filter, extra);
    }

    private static Map<String, Double> history(Random r, int n, int size) {
        Map<String, Double> weights = new LinkedHashMap<>();
        while (weights.size() < size) {
            weights.put(Catalogue.id(r.nextInt(n)), 0.1 + r.nextDouble() * 3);
        }
        return weights;
    }

    private static void assertSameAnswer(List<Hit> expected, List<Hit> actual, String what) {
        Answers.assertSameAnswer(expected, actual, 1e-5, what);
    }

    /** Asks until every row of the history is kept (each call computes at most ROWS_PER_CALL of them). */
    private List<Hit> warm(Map<String, Double> weights, float[] mean, int k, ItemFilter filter, Set<String> extra) {
        List<Hit> last = null;
        for (int i = 0; i <= weights.size() / ItemIndex.ROWS_PER_CALL + 1; i++) {
            last = ofMean(weights, mean, k, filter, extra);
        }
        return last;
    }

    private static final List<ItemFilter> FILTERS = List.of(ItemFilter.DEFAULT,
            new ItemFilter("Electronics", Set.of(), false, false),
            new ItemFilter(null, Set.of(Catalogue.id(1), Catalogue.id(2), Catalogue.id(3)), true, false,
                    Set.of(), new java.math.BigDecimal("50"), new java.math.BigDecimal("400")));

    @Test
    void rowsAndColumnsAnswerWhatAnExactScanAnswersUnderFiltersAndExclusions() throws Exception {
        open(600, TestConfig.defaults());
        openReference(600);
        Random r = new Random(7);
        int checked = 0;
        int byColumns = 0;
        for (int round = 0; round < 12; round++) {
            Map<String, Double> weights = history(r, 600, 1 + r.nextInt(8));
            float[] mean = mean(fx.index, weights);
            for (ItemFilter filter : FILTERS) {
                for (int k : new int[] {10, 100, 600}) {
                    Set<String> extra = round % 2 == 0 ? weights.keySet() : Set.of();
                    List<Hit> exact = ref.index.knn(MODEL, mean, k, filter, extra);
                    assertFalse(exact.isEmpty());
                    warm(weights, mean, k, filter, extra);
                    long rows = fx.index.rowsAnswers();
                    List<Hit> fromRows = ofMean(weights, mean, k, filter, extra);
                    assertEquals(rows + 1, fx.index.rowsAnswers(), "answered from rows");
                    assertSameAnswer(exact, fromRows, "rows, round " + round + " k " + k + " " + filter);
                    for (Hit h : fromRows) {
                        assertFalse(extra.contains(h.id()), "an excluded item");
                    }
                    long columns = fx.index.columnAnswers();
                    List<Hit> plain = fx.index.knn(MODEL, mean, k, filter, extra);
                    if (fx.index.columnAnswers() > columns) {
                        assertSameAnswer(exact, plain, "columns, round " + round + " k " + k + " " + filter);
                        byColumns++;
                    }
                    checked++;
                }
            }
        }
        assertEquals(108, checked);
        // At least k = 100 and 600 under the two broad filters (a category keeps too few items for k = 100).
        assertTrue(byColumns >= 48, "k = 100 and 600 of 600 items are cheaper by columns: " + byColumns);
    }

    @Test
    void theSemanticSourceAnswersAsWithSmallFieldsOff() throws Exception {
        open(400, TestConfig.defaults());
        openReference(400);
        Random r = new Random(3);
        for (int u = 0; u < 12; u++) {
            String user = "u" + u;
            for (int e = 0; e < 2 + u % 5; e++) {
                String item = Catalogue.id(r.nextInt(400));
                EventType type = e % 3 == 0 ? EventType.ADD_TO_CART : EventType.VIEW;
                java.time.Instant at = Fixture.T0.minusSeconds(3600L * (u + e));
                fx.event(type, user, item, at);
                ref.event(type, user, item, at);
            }
        }
        SemanticCandidateSource mine = fx.semantic();
        SemanticCandidateSource plain = ref.semantic();
        for (int round = 0; round < 3; round++) { // rows are computed over the first calls
            for (int u = 0; u < 12; u++) {
                CandidateQuery q = new CandidateQuery("u" + u, null, 100, ItemFilter.DEFAULT);
                List<Hit> expected = new ArrayList<>();
                plain.candidates(q).forEach(c -> expected.add(new Hit(c.itemId(), c.score())));
                List<Hit> actual = new ArrayList<>();
                mine.candidates(q).forEach(c -> actual.add(new Hit(c.itemId(), c.score())));
                assertFalse(expected.isEmpty());
                assertSameAnswer(expected, actual, "user u" + u + ", round " + round);
            }
        }
        assertTrue(fx.index.rowsAnswers() > 0, "some answers from the rows");
    }

    @Test
    void aCallComputesAtMostTwoMissingRowsAndUsesTheColumnsUntilAllAreKept() throws Exception {
        open(300, TestConfig.defaults());
        openReference(300);
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            weights.put(Catalogue.id(10 * i), 1.0 + i);
        }
        float[] mean = mean(fx.index, weights);
        List<Hit> exact = ref.index.knn(MODEL, mean, 50, ItemFilter.DEFAULT, Set.of());
        // 5 rows missing: two calls compute two each and use the columns; the third computes the last one and sums
        // the rows.
        int[] rows = {0, 0, 1};
        int[] columns = {1, 2, 2};
        for (int call = 0; call < 3; call++) {
            List<Hit> hits = ofMean(weights, mean, 50, ItemFilter.DEFAULT, Set.of());
            assertSameAnswer(exact, hits, "call " + call);
            assertEquals(rows[call], fx.index.rowsAnswers(), "rows answers after call " + call);
            assertEquals(columns[call], fx.index.columnAnswers(), "column answers after call " + call);
        }
        assertEquals(0, fx.index.luceneAnswers());
    }

    @Test
    void withoutRoomForTheVectorsOrOverTheItemLimitLuceneSearches() throws Exception {
        openReference(300);
        for (TestConfig config : List.of(TestConfig.defaults().set("knn.small.cache.mb", 0),
                TestConfig.defaults().set("knn.small.max.items", 100))) {
            open(300, config);
            Map<String, Double> weights = Map.of(Catalogue.id(1), 1.0, Catalogue.id(2), 2.0);
            float[] mean = mean(fx.index, weights);
            for (int i = 0; i < 3; i++) {
                assertSameAnswer(ref.index.knn(MODEL, mean, 200, ItemFilter.DEFAULT, Set.of()),
                        ofMean(weights, mean, 200, ItemFilter.DEFAULT, Set.of()), "call " + i);
            }
            assertEquals(0, fx.index.rowsAnswers() + fx.index.columnAnswers());
            assertEquals(3, fx.index.luceneAnswers());
            fx.close();
            fx = null;
            dir = java.nio.file.Files.createTempDirectory(dir, "again");
        }
    }

    @Test
    void aChangedItemIsSeenAtOnce() throws Exception {
        open(300, TestConfig.defaults());
        Map<String, Double> weights = Map.of(Catalogue.id(1), 1.0, Catalogue.id(2), 1.0);
        float[] mean = mean(fx.index, weights);
        warm(weights, mean, 10, ItemFilter.DEFAULT, Set.of());
        List<Hit> before = ofMean(weights, mean, 10, ItemFilter.DEFAULT, Set.of());
        assertTrue(fx.index.rowsAnswers() > 0);
        // Item 7 takes item 1's text, so its vector is item 1's: it must now rank among the best.
        Item one = fx.items.get(1);
        Item seven = fx.items.get(7);
        assertFalse(before.stream().anyMatch(h -> h.id().equals(seven.id())), "not a neighbour before");
        fx.index.itemsStored(List.of(new Item(seven.id(), one.title(), one.description(), one.category(),
                seven.price(), seven.currency(), true, seven.language(), seven.attributes())));
        assertTrue(fx.index.awaitVectors(30_000));
        assertTrue(fx.index.awaitWarm(10_000));
        // The refresh's warm-up built the new searcher's field: the request does not copy the vectors.
        long builds = fx.index.smallFieldBuilds();
        List<Hit> after = warm(weights, mean, 10, ItemFilter.DEFAULT, Set.of());
        assertEquals(builds, fx.index.smallFieldBuilds(), "built by the warm-up, not by the request");
        List<String> ids = new ArrayList<>();
        after.forEach(h -> ids.add(h.id()));
        assertTrue(ids.subList(0, 3).contains(seven.id()), "the changed item is a best neighbour: " + ids);
        assertEquals(new HashSet<>(ids).size(), ids.size(), "no item twice");
    }

    /** Unnormalised vectors scored by maximum inner product, as the behaviour field is. */
    private static BehaviourVectors behaviour(int items, int dims) {
        Random r = new Random(3);
        Map<String, float[]> vectors = new java.util.HashMap<>();
        for (int i = 0; i < items; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) (r.nextGaussian() * (0.5 + i % 3));
            }
            vectors.put(Catalogue.id(i), v);
        }
        return new BehaviourVectors("behaviour-ials", "1", dims, vectors, Map.of(), 0.1,
                java.time.Instant.parse("2024-06-01T00:00:00Z"));
    }

    @Test
    void theBehaviourFieldByMaximumInnerProductToo() throws Exception {
        open(800, TestConfig.defaults());
        openReference(800);
        fx.index.publish(behaviour(800, 16));
        ref.index.publish(behaviour(800, 16));
        String field = fx.index.behaviour().field();
        Random r = new Random(11);
        for (int round = 0; round < 10; round++) {
            float[] user = new float[16];
            for (int d = 0; d < 16; d++) {
                user[d] = (float) r.nextGaussian();
            }
            for (ItemFilter filter : FILTERS) {
                long columns = fx.index.columnAnswers();
                List<Hit> hits = fx.index.knnField(field, user, 500, filter, Set.of(Catalogue.id(round)));
                if (filter != FILTERS.get(1)) {
                    assertEquals(columns + 1, fx.index.columnAnswers(), "k = 500 of 800 by columns");
                } // one category keeps too few items: Lucene scans those

                List<Hit> exact = ref.index.knnField(field, user, 500, filter, Set.of(Catalogue.id(round)));
                assertSameAnswer(exact, hits, "round " + round + " " + filter);
                assertTrue(hits.get(0).score() > 1, "a positive inner product scores above 1 (MIP scaling)");
            }
        }
    }
}
