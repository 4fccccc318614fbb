package dev.rialto.retrieval.lucene.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.SearchResult;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.index.ItemVector;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeEmbedder;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class SemanticSearchTest {

    private static final String AUDIO = "Electronics > Audio";

    @TempDir
    Path dir;
    private Fixture fx;
    private final FakeEmbedder en = new FakeEmbedder("fake-en", 384, "en");
    private final FakeEmbedder zh = new FakeEmbedder("fake-zh", 48, "zh");

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private Fixture withEmbedders(int n) throws Exception {
        fx = new Fixture(dir, n, TestConfig.defaults(), en, zh);
        assertTrue(fx.index.awaitVectors(10_000));
        return fx;
    }

    private LuceneItemSearch search() {
        LuceneItemSearch s = new LuceneItemSearch(fx.index, fx.text(), fx.semantic());
        s.activate(fx.config);
        return s;
    }

    private Map<String, IndexedItem> items(List<Candidate> cs) {
        return fx.index.lookup(cs.stream().map(Candidate::itemId).toList());
    }

    @Test
    void int8TextVectorsAnswerWithTheFullPrecisionScores() throws Exception {
        // The fake embedder's vectors are close to each other (shared words): int8 alone mixes up the top 10, so the
        // walk is asked for 4 x k, re-scored with the full vectors.
        fx = new Fixture(dir, 300, TestConfig.defaults().set("vectors.int8", true).set("knn.rescore", 4), en);
        assertTrue(fx.index.awaitVectors(10_000));
        List<String> ids = fx.items.stream().map(dev.rialto.api.catalog.Item::id).toList();
        Map<String, ItemVector> vectors = fx.index.vectors(ids);
        float[] query = vectors.get(ids.get(7)).vector();
        List<dev.rialto.retrieval.lucene.internal.index.Hit> hits = fx.index.knn("fake-en", query, 10,
                (org.apache.lucene.search.Query) null);
        assertEquals(10, hits.size());
        // Lucene's DOT_PRODUCT score (1 + dot) / 2 of the float vectors: the walk's int8 scores were replaced.
        List<String> exact = ids.stream().sorted(java.util.Comparator.comparingDouble(
                (String id) -> -dot(query, vectors.get(id).vector())).thenComparing(id -> id)).limit(10).toList();
        for (dev.rialto.retrieval.lucene.internal.index.Hit h : hits) {
            assertEquals((1 + dot(query, vectors.get(h.id()).vector())) / 2, h.score(), 1e-5, h.id());
        }
        assertEquals(ids.get(7), hits.get(0).id(), "the item itself first");
        // The segments written keep the text field in the int8 format (closing the index commits them).
        fx.close();
        fx = null;
        try (org.apache.lucene.store.FSDirectory d = org.apache.lucene.store.FSDirectory.open(dir);
                org.apache.lucene.index.DirectoryReader r = org.apache.lucene.index.DirectoryReader.open(d)) {
            assertTrue(r.leaves().stream().allMatch(l -> dev.rialto.retrieval.lucene.internal.index.FilteredKnn
                    .quantized(l.reader(), dev.rialto.retrieval.lucene.internal.index.ItemIndex.vectorField("fake-en"))));
            assertTrue(!r.leaves().isEmpty());
        }
        long found = hits.stream().filter(h -> exact.contains(h.id())).count();
        assertTrue(found >= 9, "found " + found + " of the exact top 10");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void everyItemGetsTheVectorOfItsLanguagesModel() throws Exception {
        List<Item> catalogue = new ArrayList<>(Catalogue.generate(50));
        catalogue.add(new Item("zh-1", "无线耳机", "蓝牙 无线 耳机", "电子 > 音频", BigDecimal.TEN, "CNY", true, "zh-CN",
                Map.of()));
        catalogue.add(new Item("fr-1", "casque sans fil", "", "Audio", BigDecimal.TEN, "EUR", true, "fr", Map.of()));
        fx = new Fixture(dir, catalogue, TestConfig.defaults(), en, zh);
        assertTrue(fx.index.awaitVectors(10_000));
        assertEquals(51, fx.index.vectorCount("fake-en"), "English items and the French fallback");
        assertEquals(1, fx.index.vectorCount("fake-zh"));
        Map<String, ItemVector> vectors = fx.index.vectors(List.of("zh-1", "fr-1", Catalogue.id(3)));
        assertEquals("fake-zh", vectors.get("zh-1").model());
        assertEquals(48, vectors.get("zh-1").vector().length);
        assertEquals("fake-en", vectors.get("fr-1").model());
        assertEquals(384, vectors.get(Catalogue.id(3)).vector().length);
        // Batches, not one call per item.
        assertTrue(en.calls.get() <= 3, "calls: " + en.calls.get());

        List<Candidate> chinese = fx.semantic().candidates(new CandidateQuery(null, "耳机", 5, null));
        assertEquals("zh-1", chinese.get(0).itemId(), "Han text is embedded with the Chinese model");
        assertTrue(SemanticCandidateSource.hasHan("蓝牙 headphones"));
        assertFalse(SemanticCandidateSource.hasHan("headphones"));
    }

    @Test
    void knnFindsSynonymsThatBm25Misses() throws Exception {
        withEmbedders(200);
        List<Candidate> bm25 = fx.text().candidates(new CandidateQuery(null, "earphones", 10, null));
        assertTrue(bm25.isEmpty(), "no item says earphones");
        List<Candidate> cs = fx.semantic().candidates(new CandidateQuery(null, "earphones", 10, null));
        assertEquals(10, cs.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), cs.stream().map(Candidate::rank).toList());
        assertTrue(cs.stream().allMatch(c -> c.source().equals("semantic")));
        Map<String, IndexedItem> found = items(cs);
        assertTrue(found.values().stream().allMatch(i -> i.category().equals(AUDIO)), found.toString());
        assertTrue(found.get(cs.get(0).itemId()).title().contains("headphones"), found.get(cs.get(0).itemId()).title());
    }

    @Test
    void filtersApplyInsideTheKnnSearch() throws Exception {
        withEmbedders(200);
        List<Candidate> all = fx.semantic().candidates(new CandidateQuery(null, "earphones", 200,
                new ItemFilter(null, Set.of(), false, false)));
        String excluded = all.get(0).itemId();
        List<Candidate> kitchen = fx.semantic().candidates(new CandidateQuery(null, "earphones", 10,
                new ItemFilter("Kitchen", Set.of(), true, false)));
        assertEquals(10, kitchen.size(), "the filter is applied before taking k, not after");
        assertTrue(items(kitchen).values().stream().allMatch(i -> i.category().startsWith("Kitchen")
                && i.available()));
        List<Candidate> without = fx.semantic().candidates(new CandidateQuery(null, "earphones", 50,
                new ItemFilter(null, Set.of(excluded), true, false)));
        assertTrue(without.stream().noneMatch(c -> c.itemId().equals(excluded)));
        assertTrue(items(without).values().stream().allMatch(IndexedItem::available));
    }

    @Test
    void userHistoryGivesItemsLikeTheRecentOnesButNotThemselves() throws Exception {
        withEmbedders(200);
        List<String> seen = List.of(Catalogue.id(1), Catalogue.id(6), Catalogue.id(11));
        for (String id : seen) {
            fx.event(EventType.VIEW, "u1", id, Fixture.T0);
        }
        fx.event(EventType.PURCHASE, "u1", Catalogue.id(16), Fixture.T0);
        List<Candidate> cs = fx.semantic().candidates(new CandidateQuery("u1", null, 20,
                new ItemFilter(null, Set.of(), true, true)));
        assertEquals(20, cs.size());
        assertTrue(cs.stream().noneMatch(c -> seen.contains(c.itemId()) || c.itemId().equals(Catalogue.id(16))));
        long audio = items(cs).values().stream().filter(i -> i.category().equals(AUDIO)).count();
        assertTrue(audio >= 18, "mostly audio items: " + audio);
        assertTrue(fx.semantic().candidates(new CandidateQuery("nobody", null, 10, null)).isEmpty());
        assertTrue(fx.semantic().candidates(new CandidateQuery(null, null, 10, null)).isEmpty());
    }

    @Test
    void hybridSearchFusesBothSourcesAndKeepsTheTrace() throws Exception {
        withEmbedders(200);
        LuceneItemSearch search = search();
        SearchResult result = search.search("  wireless headphones ", 10, null);
        assertEquals("wireless headphones", result.query());
        assertEquals(10, result.items().size());
        RecommendedItem top = result.items().get(0);
        assertEquals(Set.of("text", "semantic"), top.sources().stream().map(SourceHit::source)
                .collect(java.util.stream.Collectors.toSet()), "found by both");
        for (int i = 1; i < result.items().size(); i++) {
            assertTrue(result.items().get(i - 1).score() >= result.items().get(i).score(), "fused scores descend");
        }
        assertTrue(result.items().stream().allMatch(i -> i.category().equals(AUDIO) && !i.title().isEmpty()));
        assertTrue(result.items().stream().allMatch(i -> i.modelScore() == null && i.score() == i.fusedScore()));

        SearchResult synonyms = search.search("earphones", 5, new ItemFilter("Electronics", Set.of(), true, false));
        assertEquals(5, synonyms.items().size(), "semantic alone answers when BM25 finds nothing");
        assertTrue(synonyms.items().stream().allMatch(i -> i.sources().size() == 1
                && i.sources().get(0).source().equals("semantic")));

        assertThrows(IllegalArgumentException.class, () -> search.search(" ", 10, null));
        assertThrows(IllegalArgumentException.class, () -> search.search("x", 0, null));
        assertThrows(IllegalArgumentException.class, () -> search.search("x", 1001, null));
    }

    @Test
    void similarUsesTheItemsVectorAndExcludesTheItem() throws Exception {
        withEmbedders(200);
        LuceneItemSearch search = search();
        String id = Catalogue.id(1);
        SearchResult result = search.similar(id, 10);
        assertEquals(id, result.query());
        assertEquals(10, result.items().size());
        assertTrue(result.items().stream().noneMatch(i -> i.itemId().equals(id)));
        assertTrue(result.items().stream().allMatch(i -> i.sources().get(0).source().equals("semantic")));
        assertTrue(result.items().stream().allMatch(i -> i.category().equals(AUDIO)));
        // The score shown is the similarity itself, best first.
        assertTrue(result.items().get(0).score() >= result.items().get(9).score());
        assertTrue(result.items().get(0).score() > 0.5);

        ItemNotFoundException e = assertThrows(ItemNotFoundException.class, () -> search.similar("nope-42", 5));
        assertEquals("nope-42", e.itemId());
        assertTrue(e.getMessage().contains("nope-42"));
        assertThrows(IllegalArgumentException.class, () -> search.similar(id, 0));
    }

    @Test
    void withoutEmbeddersSimilarFallsBackToMoreLikeThisAndSearchToBm25() throws Exception {
        fx = new Fixture(dir, 200);
        LuceneItemSearch search = search();
        String id = Catalogue.id(3);
        SearchResult similar = search.similar(id, 10);
        assertEquals(10, similar.items().size());
        assertTrue(similar.items().stream().noneMatch(i -> i.itemId().equals(id)));
        assertTrue(similar.items().stream().allMatch(i -> i.sources().get(0).source().equals("more-like-this")));
        assertTrue(similar.items().stream().allMatch(i -> i.category().equals(Catalogue.CATEGORIES[3])));

        SearchResult bm25 = search.search("kettle", 5, null);
        assertFalse(bm25.items().isEmpty());
        assertTrue(bm25.items().stream().allMatch(i -> i.sources().get(0).source().equals("text")));
        assertEquals(0, fx.index.vectorCount("fake-en"));
    }

    @Test
    void anEmbedderBoundLaterEmbedsTheIndexedItemsInTheBackground() throws Exception {
        fx = new Fixture(dir, 120);
        assertEquals(0, fx.index.vectorCount("fake-en"));
        fx.index.addEmbedder(en);
        assertTrue(fx.index.awaitVectors(10_000));
        assertEquals(120, fx.index.vectorCount("fake-en"));
        int embedded = en.texts.get();
        // Binding again (a restart of the embedder) embeds nothing that has a vector already.
        fx.index.removeEmbedder(en);
        fx.index.addEmbedder(en);
        assertTrue(fx.index.awaitVectors(10_000));
        assertEquals(embedded, en.texts.get());
    }

    @Test
    void cachedVectorsAreDroppedWhenTheirItemIsWrittenAgain() throws Exception {
        withEmbedders(50);
        List<String> ids = List.of(Catalogue.id(1), Catalogue.id(2), "i-none");
        Map<String, ItemVector> first = fx.index.vectors(ids);
        assertEquals(Set.of(Catalogue.id(1), Catalogue.id(2)), first.keySet());
        Map<String, ItemVector> again = fx.index.vectors(ids);
        assertTrue(first.get(Catalogue.id(1)).vector() == again.get(Catalogue.id(1)).vector(), "served from memory");

        Item old = fx.items.stream().filter(i -> i.id().equals(Catalogue.id(1))).findFirst().orElseThrow();
        Item rewritten = new Item(old.id(), "studio earphones", "closed back, for the studio", old.category(),
                old.price(), old.currency(), old.available(), old.language(), old.attributes());
        fx.itemRepo.upsert(List.of(rewritten));
        fx.index.itemsStored(List.of(rewritten));
        assertTrue(fx.index.awaitVectors(10_000));
        float[] now = fx.index.vectors(ids).get(Catalogue.id(1)).vector();
        assertFalse(java.util.Arrays.equals(first.get(Catalogue.id(1)).vector(), now), "the new text's vector");
        assertEquals(Catalogue.id(1), fx.index.knn("fake-en", now, 1, (org.apache.lucene.search.Query) null).get(0).id());
        assertTrue(java.util.Arrays.equals(first.get(Catalogue.id(2)).vector(),
                fx.index.vectors(ids).get(Catalogue.id(2)).vector()));
    }

    @Test
    void storedItemsAreSearchableAtOnceAndGetTheirVectorsInTheBackground() throws Exception {
        withEmbedders(50);
        Item fresh = new Item("new-1", "studio earphones", "closed back", AUDIO, BigDecimal.ONE, "EUR", true, "en",
                Map.of());
        fx.itemRepo.upsert(List.of(fresh));
        fx.index.itemsStored(List.of(fresh));
        assertNotNull(fx.index.lookup(List.of("new-1")).get("new-1"), "text is visible when the feed returns");
        assertTrue(fx.index.awaitVectors(10_000));
        assertEquals("fake-en", fx.index.vectors(List.of("new-1")).get("new-1").model());
        List<Candidate> cs = fx.semantic().candidates(new CandidateQuery(null, "earphones studio", 3, null));
        assertEquals("new-1", cs.get(0).itemId());
        assertEquals(51, fx.index.size());
        assertEquals(ItemIndex.vectorField("fake-en"), "vec_fake-en");
    }
}
