package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

/**
 * The cached filter documents ({@link FilterBits}) give the same answers as evaluating the filter query on every
 * request: same kNN hits and BM25 hits (accept bits given to the bulk scorer against a FILTER clause), in the same
 * order with the same scores, for every kind of filter and with per-request exclusions; and a refresh (an item made unavailable) is seen at once.
 */
class FilterBitsTest {

    @TempDir
    Path dir;

    private Fixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private static final List<ItemFilter> FILTERS = List.of(
            ItemFilter.DEFAULT,
            new ItemFilter(null, Set.of(), false, false),
            new ItemFilter("Garden", Set.of(), true, false),
            new ItemFilter(null, Set.of(Catalogue.id(3), Catalogue.id(4)), false, false),
            new ItemFilter("Books", Set.of(Catalogue.id(5)), true, false, null, new BigDecimal("50"),
                    new BigDecimal("400")),
            new ItemFilter(null, Set.of(), true, false, Set.of("Acme"), null, null),
            new ItemFilter("Nowhere", Set.of(), false, false));

    private static final List<Set<String>> EXCLUDED = List.of(Set.of(),
            Set.of(Catalogue.id(0), Catalogue.id(10), Catalogue.id(20), Catalogue.id(31), "not-an-item"));

    @Test
    void cachedFilterAnswersEqualTheFilterQuery() throws Exception {
        // Lucene's own searches with accept bits against its FILTER clauses, bit for bit: the small-index paths are
        // off here (SmallVectorFieldTest and TermScoresTest compare those with Lucene, to float rounding).
        fx = new Fixture(dir.resolve("index"), Catalogue.generate(600), dev.rialto.retrieval.lucene.internal.testing
                .TestConfig.defaults().set("text.small.max.items", 0).set("knn.small.max.items", 0));
        List<Item> items = fx.items;
        fx.index.publish(new BehaviourVectors("ials", "1", 8, vectors(items.size()), Map.of(), 0.1, Fixture.T0));
        // More segments, with deletions: some items written again, in two batches.
        fx.index.itemsStored(items.subList(50, 70));
        fx.index.itemsStored(items.subList(300, 310));
        String field = fx.index.behaviour().field();
        float[] q = {1, -1, 0.5f, 0, 2, 0, -0.5f, 1};
        Query text = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(ItemIndex.F_TITLE, "premium")), Occur.SHOULD)
                .add(new TermQuery(new Term(ItemIndex.F_DESCRIPTION, "kettl")), Occur.SHOULD).build();
        // A history-like query: many boosted SHOULD terms, common and rare (Lucene's MaxScore bulk scorer).
        BooleanQuery.Builder history = new BooleanQuery.Builder();
        String[] words = {"premium", "wireless", "kettl", "rake", "mysteri", "sneaker", "classic", "wok", "hose"};
        for (int i = 0; i < words.length; i++) {
            history.add(new BoostQuery(new TermQuery(new Term(i % 2 == 0 ? ItemIndex.F_TITLE : ItemIndex.F_DESCRIPTION,
                    words[i])), 1f / (1 + i)), Occur.SHOULD);
        }
        Query many = history.build();
        for (int round = 0; round < 2; round++) { // the second round answers from the cache
            for (ItemFilter f : FILTERS) {
                for (Set<String> ex : EXCLUDED) {
                    for (int k : new int[] {10, 300}) {
                        assertEquals(fx.index.knnField(field, q, k, ItemIndex.filtered(null, f, ex)),
                                fx.index.knnField(field, q, k, f, ex), "kNN " + f + " " + ex + " k=" + k);
                        assertEquals(fx.index.search(ItemIndex.filtered(text, f, ex), k),
                                fx.index.search(text, k, f, ex), "BM25 " + f + " " + ex + " k=" + k);
                        if (k > 100) { // every match (about 70): no tie is cut at k
                            assertEquals(tiesById(fx.index.search(ItemIndex.filtered(many, f, ex), k)),
                                    tiesById(fx.index.search(many, k, f, ex)), "BM25 history " + f + " " + ex);
                        }
                    }
                }
            }
        }
        // The exclusions resolved last on a thread are reused only for equal exclusions: one set changed between
        // two searches (as a request's purchases grow) is resolved again.
        Set<String> growing = new java.util.HashSet<>();
        List<Hit> open = fx.index.knnField(field, q, 50, ItemFilter.DEFAULT, growing);
        growing.add(open.get(0).id());
        List<Hit> fewer = fx.index.knnField(field, q, 50, ItemFilter.DEFAULT, growing);
        assertFalse(fewer.stream().anyMatch(h -> h.id().equals(open.get(0).id())));
        assertEquals(open.get(1).id(), fewer.get(0).id());
        assertEquals(tiesById(fx.index.search(ItemIndex.filtered(many, ItemFilter.DEFAULT, List.of("x", "y")), 300)),
                tiesById(fx.index.search(many, 300, ItemFilter.DEFAULT, List.of("x", "x", "y"))));
        List<String> before = fx.index.knnField(field, q, 600, ItemFilter.DEFAULT, Set.of()).stream()
                .map(Hit::id).toList();
        assertTrue(before.contains(Catalogue.id(1)));
        assertFalse(before.contains(Catalogue.id(17)), "unavailable items never pass the default filter");
        // Exclusions are cleared in a copy: the cached set is not changed by a request.
        assertFalse(fx.index.knnField(field, q, 600, ItemFilter.DEFAULT, Set.of(Catalogue.id(1))).stream()
                .anyMatch(h -> h.id().equals(Catalogue.id(1))));
        assertEquals(before, fx.index.knnField(field, q, 600, ItemFilter.DEFAULT, Set.of()).stream()
                .map(Hit::id).toList());

        // Item 1 becomes unavailable: the next searcher's cache no longer accepts it.
        Item one = items.get(1);
        fx.index.itemsStored(List.of(new Item(one.id(), one.title(), one.description(), one.category(),
                one.price(), one.currency(), false, one.language(), one.attributes())));
        List<Hit> after = fx.index.knnField(field, q, 600, ItemFilter.DEFAULT, Set.of());
        assertFalse(after.stream().anyMatch(h -> h.id().equals(Catalogue.id(1))));
        assertEquals(before.size() - 1, after.size());
        assertEquals(fx.index.knnField(field, q, 600, ItemIndex.filtered(null, ItemFilter.DEFAULT, Set.of())),
                after);
    }

    /**
     * Hits with equal scores ordered by id: the history query has many ties, which Lucene orders by doc id, and a
     * background merge made visible by a refresh between two searches renumbers the documents.
     */
    private static List<Hit> tiesById(List<Hit> hits) {
        return hits.stream().sorted(java.util.Comparator.comparingDouble((Hit h) -> -h.score())
                .thenComparing(Hit::id)).toList();
    }

    private static Map<String, float[]> vectors(int n) {
        Random random = new Random(11);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            items.put(Catalogue.id(i), v);
        }
        return items;
    }
}
