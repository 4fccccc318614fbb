package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeItemRepository;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class ItemIndexTest {

    @TempDir
    Path dir;

    private ItemIndex open(FakeItemRepository repo, TestConfig config) {
        ItemIndex index = new ItemIndex(repo);
        index.activate(config.set("index.dir", dir.toString()).build());
        return index;
    }

    @Test
    void rebuildsAnEmptyIndexFromTheStoreInBatches() throws Exception {
        FakeItemRepository repo = new FakeItemRepository(Catalogue.generate(200));
        ItemIndex index = open(repo, TestConfig.defaults().set("rebuild.batch.size", 64));
        try {
            assertTrue(index.awaitRebuild(30_000));
            assertEquals(200, index.size());
            assertEquals("Lucene912", index.codecName());
            IndexedItem item = index.lookup(List.of(Catalogue.id(34))).get(Catalogue.id(34));
            assertEquals(Catalogue.CATEGORIES[4], item.category());
            assertFalse(item.available(), "item 34 is the 17th multiple");
            assertEquals(39.0, item.price());
            assertTrue(item.title().endsWith(" 34"));
        } finally {
            index.deactivate();
        }
        assertEquals(1, repo.forEachCalls.get());

        // Reopened: the committed index is not empty, so no second rebuild.
        ItemIndex again = open(repo, TestConfig.defaults());
        try {
            assertTrue(again.awaitRebuild(30_000));
            assertEquals(200, again.size());
            assertEquals(1, repo.forEachCalls.get());
        } finally {
            again.deactivate();
        }
    }

    @Test
    void lookupEachAnswersAtEachPositionAndHitsKeepTheirIdsAcrossRequests() throws Exception {
        ItemIndex index = open(new FakeItemRepository(Catalogue.generate(50)), TestConfig.defaults());
        try {
            assertTrue(index.awaitRebuild(30_000));
            // Cold (read from the index), then warm (from the cache): the same answer, position by position.
            for (int round = 0; round < 2; round++) {
                IndexedItem[] items = index.lookupEach(List.of(Catalogue.id(3), "missing", Catalogue.id(7),
                        Catalogue.id(3)));
                assertEquals(4, items.length);
                assertEquals(Catalogue.id(3), items[0].id());
                assertEquals(null, items[1]);
                assertEquals(Catalogue.id(7), items[2].id());
                assertTrue(items[3] == items[0], "a repeated id gets the same item");
            }
            assertEquals(List.of(Catalogue.id(7), Catalogue.id(3)),
                    List.copyOf(index.lookup(List.of(Catalogue.id(7), "missing", Catalogue.id(3))).keySet()));
            // The ids of hits are kept per reader after the first read: a second search answers the same ids.
            List<Hit> first = index.search(new org.apache.lucene.search.MatchAllDocsQuery(), 50);
            List<Hit> second = index.search(new org.apache.lucene.search.MatchAllDocsQuery(), 50);
            assertEquals(50, first.size());
            assertEquals(first.stream().map(Hit::id).toList(), second.stream().map(Hit::id).toList());
            assertEquals(java.util.stream.IntStream.range(0, 50).mapToObj(Catalogue::id).collect(
                    java.util.stream.Collectors.toSet()), first.stream().map(Hit::id).collect(
                    java.util.stream.Collectors.toSet()));
        } finally {
            index.deactivate();
        }
    }

    @Test
    void storedItemsBecomeSearchableAtOnceAndReplaceByID() {
        ItemIndex index = open(new FakeItemRepository(List.of()), TestConfig.defaults().set("refresh.interval.ms", 60_000));
        try {
            assertEquals(0, index.size());
            Item kettle = new Item("k1", "Copper whistling kettle", "Stovetop kettle", "Kitchen > Cookware",
                    new BigDecimal("29.90"), "EUR", true, "en", Map.of());
            index.itemsStored(List.of(kettle));
            List<Hit> hits = index.search(new TermQuery(new Term(ItemIndex.F_TITLE, "kettl")), 10);
            assertEquals(List.of("k1"), hits.stream().map(Hit::id).toList());

            Item renamed = new Item("k1", "Copper teapot", "", "Kitchen > Tea", null, null, false, "en", Map.of());
            index.itemsStored(List.of(renamed));
            assertEquals(1, index.size());
            assertTrue(index.search(new TermQuery(new Term(ItemIndex.F_TITLE, "kettl")), 10).isEmpty());
            IndexedItem stored = index.lookup(List.of("k1", "missing")).get("k1");
            assertEquals(new IndexedItem("k1", "Copper teapot", "Kitchen > Tea", false, null), stored);
            assertEquals(Set.of("k1"), index.lookup(List.of("k1", "missing")).keySet());
        } finally {
            index.deactivate();
        }
    }

    @Test
    void filterQueryAppliesPrefixAvailabilityAndExclusions() throws Exception {
        ItemIndex index = open(new FakeItemRepository(Catalogue.generate(200)), TestConfig.defaults());
        try {
            assertTrue(index.awaitRebuild(30_000));
            ItemFilter filter = new ItemFilter("Garden", Set.of(Catalogue.id(2)), true, false);
            List<Hit> hits = index.search(ItemIndex.filtered(null, filter, Set.of(Catalogue.id(7))), 500);
            // 40 garden items (i % 5 == 2), minus the unavailable ones (i % 17 == 0), minus two excluded.
            long unavailable = java.util.stream.IntStream.range(0, 200)
                    .filter(i -> i % 5 == 2 && i % 17 == 0).count();
            assertEquals(40 - unavailable - 2, hits.size());
            Map<String, IndexedItem> found = index.lookup(hits.stream().map(Hit::id).toList());
            assertTrue(found.values().stream().allMatch(i -> i.category().startsWith("Garden") && i.available()));
            assertFalse(found.containsKey(Catalogue.id(2)));
            assertFalse(found.containsKey(Catalogue.id(7)));
        } finally {
            index.deactivate();
        }
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        ItemIndex index = new ItemIndex(new FakeItemRepository(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.activate(
                TestConfig.defaults().set("index.dir", dir.toString()).set("refresh.interval.ms", 0).build()));
        assertTrue(e.getMessage().contains("refresh.interval.ms"), e.getMessage());
    }
}
