package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

/**
 * A refresh that changes what searches see builds the per-reader structures before the new searcher is published, so
 * no request pays for them.
 */
class RefreshWarmTest {

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void anItemChangeIsWarmedBeforeTheNextRequest() throws Exception {
        fx = new Fixture(dir, 200);
        AtomicInteger warmed = new AtomicInteger();
        java.util.function.Consumer<ItemIndex.Arrivals> task = a -> warmed.incrementAndGet();
        fx.index.addWarmer(task);
        assertTrue(fx.index.awaitWarm(10_000));
        ItemIndex.Arrivals before = fx.index.arrivals();
        long built = fx.index.arrivalsBuilt();
        int warmings = warmed.get();
        // The default filter is in use.
        fx.index.search(new TermQuery(new Term(ItemIndex.F_TITLE, "kettl")), 5, ItemFilter.DEFAULT, Set.of());

        Item old = fx.items.get(3);
        Item renamed = new Item(old.id(), "renamed kettle", old.description(), old.category(), old.price(),
                old.currency(), old.available(), old.language(), old.attributes());
        fx.index.itemsStored(List.of(renamed));
        assertTrue(fx.index.awaitWarm(10_000));
        assertTrue(warmed.get() > warmings, "the registered task ran after the refresh");
        assertEquals(built + 1, fx.index.arrivalsBuilt(), "the warm-up built the new arrival order");
        ItemIndex.Arrivals after = fx.index.arrivals();
        assertTrue(after != before);
        assertSame(after, fx.index.arrivals());
        assertEquals(built + 1, fx.index.arrivalsBuilt(), "the request found it built");
        assertEquals(Catalogue.id(3), fx.index.lookup(List.of(Catalogue.id(3))).get(Catalogue.id(3)).id());

        fx.index.removeWarmer(task);
        assertEquals("renamed kettle", fx.index.lookup(List.of(Catalogue.id(3))).get(Catalogue.id(3)).title());
        int last = warmed.get();
        fx.index.itemsStored(List.of(old));
        assertTrue(fx.index.awaitWarm(10_000));
        assertEquals(last, warmed.get(), "a removed task is not run");
    }

    @Test
    void aRefreshedSearcherIsWarmedBeforeRequestsSeeIt() throws Exception {
        fx = new Fixture(dir, 200);
        assertTrue(fx.index.awaitWarm(10_000));
        ItemIndex.Arrivals before = fx.index.arrivals();
        Item old = fx.items.get(5);
        String newest = "zz-newest";
        Item added = new Item(newest, "brand new kettle", old.description(), old.category(), old.price(),
                old.currency(), old.available(), old.language(), old.attributes());
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Consumer<ItemIndex.Arrivals> task = next -> {
            if (next == before || seen.get() != null) {
                return;
            }
            long built = fx.index.arrivalsBuilt();
            // Requests meanwhile: on the current searcher, with its own arrival order kept beside the new one.
            ItemIndex.Arrivals current = fx.index.arrivals();
            seen.set((current == before) + " " + (built == fx.index.arrivalsBuilt()) + " "
                    + next.positions().containsKey(newest) + " " + current.positions().containsKey(newest));
        };
        fx.index.addWarmer(task);
        try {
            long epoch = fx.index.epoch();
            fx.index.itemsStored(List.of(added));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (fx.index.arrivals().positions().get(newest) == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(fx.index.epoch() > epoch);
            assertEquals("true true true false", seen.get(),
                    "the warm-up saw the new reader while requests still used the current one, without rebuilding");
            long built = fx.index.arrivalsBuilt();
            ItemIndex.Arrivals published = fx.index.arrivals();
            assertTrue(published.positions().containsKey(newest));
            assertEquals(built, fx.index.arrivalsBuilt(), "the first request after the refresh found it built");
        } finally {
            fx.index.removeWarmer(task);
        }
    }

    @Test
    void theTermsInUseHaveTheirStatesBuiltBeforeTheRefreshedSearcherIsPublished() throws Exception {
        fx = new Fixture(dir, 200, dev.rialto.retrieval.lucene.internal.testing.TestConfig.defaults()
                .set("text.small.max.items", 0)); // Lucene's scorers, which take the kept term states
        assertTrue(fx.index.awaitWarm(10_000));
        TermQuery kettle = new TermQuery(new Term(ItemIndex.F_TITLE, "kettl"));
        List<Hit> before = fx.index.search(kettle, 5, ItemFilter.DEFAULT, Set.of());
        long built = fx.index.termStatesBuiltInRequests();
        assertEquals(before, fx.index.search(kettle, 5, ItemFilter.DEFAULT, Set.of()));
        assertEquals(built, fx.index.termStatesBuiltInRequests(), "kept for the searcher");

        long epoch = fx.index.epoch();
        Item old = fx.items.get(9);
        fx.index.itemsStored(List.of(new Item(old.id(), "another title", old.description(), old.category(),
                old.price(), old.currency(), old.available(), old.language(), old.attributes())));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (fx.index.epoch() == epoch && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(fx.index.epoch() > epoch);
        fx.index.search(kettle, 5, ItemFilter.DEFAULT, Set.of());
        assertEquals(built, fx.index.termStatesBuiltInRequests(),
                "the new searcher's states of the term were built by the refresh, not by the search");
    }

    @Test
    void theEpochMovesWhenSearchesSeeAChangeNotAtEveryRefresh() throws Exception {
        fx = new Fixture(dir, 50, dev.rialto.retrieval.lucene.internal.testing.TestConfig.defaults()
                .set("refresh.interval.ms", 10).set("commit.interval.s", 1));
        fx.index.awaitMerges(); // the rebuild's background merge is a change searches see
        assertTrue(fx.index.awaitWarm(10_000));
        long epoch = fx.index.epoch();
        Thread.sleep(300); // about 30 periodic refreshes of an index nothing was written to
        assertEquals(epoch, fx.index.epoch(), "refreshes that changed nothing keep the kept lists valid");

        Item old = fx.items.get(2);
        Item renamed = new Item(old.id(), "renamed kettle", old.description(), old.category(), old.price(),
                old.currency(), old.available(), old.language(), old.attributes());
        fx.index.itemsStored(List.of(renamed));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"renamed kettle".equals(fx.index.search(new TermQuery(new Term(ItemIndex.F_TITLE, "renam")), 1,
                ItemFilter.DEFAULT, Set.of()).stream().findFirst().map(h -> fx.index.lookup(List.of(h.id()))
                .get(h.id()).title()).orElse(null)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(fx.index.epoch() > epoch, "a write moves it once searches see it");

        // The commit that follows (commit.interval.s) is a new index version with the same documents.
        long searchable = fx.index.epoch();
        java.time.Instant committed = fx.index.status(false).lastCommit();
        deadline = System.nanoTime() + 10_000_000_000L;
        while (java.util.Objects.equals(committed, fx.index.status(false).lastCommit())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(!java.util.Objects.equals(committed, fx.index.status(false).lastCommit()), "committed");
        Thread.sleep(200); // twenty refreshes after the commit
        assertEquals(searchable, fx.index.epoch(), "a commit changes no answer");
    }

    @Test
    void theItemCacheIsFilledWhenTheIndexOpensAndNeverServesAnOldItem() throws Exception {
        fx = new Fixture(dir, 300);
        assertTrue(fx.index.awaitWarm(10_000));
        assertEquals(300, fx.index.cachedItems(), "every item read into the cache by the warm-up");
        Item old = fx.items.get(7);
        Item changed = new Item(old.id(), "changed title", old.description(), old.category(), old.price(),
                old.currency(), false, old.language(), old.attributes());
        fx.index.itemsStored(List.of(changed));
        IndexedItem seen = fx.index.lookupEach(List.of(Catalogue.id(7)))[0];
        assertEquals("changed title", seen.title());
        assertTrue(!seen.available());
        assertTrue(fx.index.awaitWarm(10_000));
        assertEquals("changed title", fx.index.lookupEach(List.of(Catalogue.id(7)))[0].title());

        // Opened again on the same directory (no rebuild: the documents are there): filled again.
        fx.close();
        fx = null;
        ItemIndex again = new ItemIndex(new dev.rialto.retrieval.lucene.internal.testing.FakeItemRepository(List.of()));
        again.activate(dev.rialto.retrieval.lucene.internal.testing.TestConfig.defaults()
                .set("index.dir", dir.toString()).build());
        try {
            assertTrue(again.awaitWarm(10_000));
            assertEquals(300, again.cachedItems());
            assertEquals("changed title", again.lookupEach(List.of(Catalogue.id(7)))[0].title());
        } finally {
            again.deactivate();
        }
    }
}
