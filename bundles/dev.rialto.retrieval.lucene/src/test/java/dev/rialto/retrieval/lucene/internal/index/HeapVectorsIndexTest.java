package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/**
 * The index with its segments' vectors on the heap ({@code knn.heap.mb}) answers exactly what it answers without
 * them (same ids, same scores) for the semantic source's history means and for behaviour kNN by maximum inner
 * product, under filters and exclusions; the copies are made by the warm-up after a refresh, not by requests.
 * Small fields are off, so that every search is a per-segment walk or scan.
 */
class HeapVectorsIndexTest {

    private static final int ITEMS = 2_000;
    private static final List<ItemFilter> FILTERS = List.of(ItemFilter.DEFAULT,
            new ItemFilter(null, Set.of(Catalogue.id(1), Catalogue.id(2), Catalogue.id(3)), true, false, Set.of(),
                    new BigDecimal("20"), new BigDecimal("900")));

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static Fixture open(Path dir, int heapMb) throws Exception {
        Fixture f = new Fixture(dir, Catalogue.generate(ITEMS), TestConfig.defaults().set("knn.small.max.items", 0)
                .set("knn.heap.mb", heapMb), new SmallVectorFieldTest.RandomEmbedder());
        assertTrue(f.index.awaitVectors(60_000));
        f.index.publish(behaviour());
        assertTrue(f.index.awaitWarm(30_000));
        return f;
    }

    private static BehaviourVectors behaviour() {
        Random r = new Random(3);
        Map<String, float[]> vectors = new java.util.HashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            float[] v = new float[16];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) (r.nextGaussian() * (0.5 + i % 3));
            }
            vectors.put(Catalogue.id(i), v);
        }
        return new BehaviourVectors("behaviour-ials", "1", 16, vectors, Map.of(), 0.1,
                java.time.Instant.parse("2024-06-01T00:00:00Z"));
    }

    @Test
    void answersAsWithoutTheCopies() throws Exception {
        fx = open(dir, 64);
        long[] stats = fx.index.heapVectorStats();
        assertTrue(stats[0] >= 2, "both vector fields copied by the warm-up: " + stats[0]);
        assertTrue(stats[1] > (long) ITEMS * 24 * Float.BYTES, "bytes " + stats[1]);

        Random r = new Random(5);
        for (int u = 0; u < 15; u++) {
            for (int e = 0; e < 2 + u % 6; e++) {
                java.time.Instant at = Fixture.T0.minusSeconds(3600L * (u + e));
                fx.event(EventType.VIEW, "u" + u, Catalogue.id(r.nextInt(ITEMS)), at);
            }
        }
        List<float[]> users = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            float[] user = new float[16];
            for (int d = 0; d < user.length; d++) {
                user[d] = (float) r.nextGaussian();
            }
            users.add(user);
        }
        // The same index with and without the copies: a graph depends on how its segments were built and merged, so
        // only one index's walks can be compared.
        List<Object> withCopies = answers(users);
        long served = fx.index.heapVectorStats()[2];
        assertTrue(served >= 15 + 10, "walks served from the copies: " + served);
        assertEquals(stats[0], fx.index.heapVectorStats()[0], "no copy made by a request");
        fx.index.heapVectorBudget(0);
        assertEquals(0, fx.index.heapVectorStats()[1]);
        List<Object> without = answers(users);
        assertEquals(served, fx.index.heapVectorStats()[2], "Lucene's walks");
        assertEquals(2 * (15 + 20), without.size());
        for (int i = 0; i < without.size(); i++) {
            assertEquals(without.get(i), withCopies.get(i), "answer " + i);
        }
    }

    /** The semantic source's lists of every user, then behaviour kNN for every vector and k, under each filter. */
    private List<Object> answers(List<float[]> users) {
        List<Object> out = new ArrayList<>();
        SemanticCandidateSource semantic = fx.semantic();
        semantic.cache().clear();
        String field = fx.index.behaviour().field();
        for (ItemFilter filter : FILTERS) {
            for (int u = 0; u < 15; u++) {
                List<Candidate> list = semantic.candidates(new CandidateQuery("u" + u, null, 100, filter));
                assertFalse(list.isEmpty());
                out.add(list);
            }
            for (int round = 0; round < users.size(); round++) {
                for (int k : new int[] {10, 500}) {
                    List<Hit> hits = fx.index.knnField(field, users.get(round), k, filter,
                            Set.of(Catalogue.id(round)));
                    assertEquals(k, hits.size());
                    out.add(hits);
                }
            }
        }
        return out;
    }
}
