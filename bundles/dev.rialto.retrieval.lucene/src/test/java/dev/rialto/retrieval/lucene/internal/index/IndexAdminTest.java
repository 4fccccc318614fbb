package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.retrieval.IndexAdmin;
import dev.rialto.api.retrieval.IndexStatus;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeEmbedder;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class IndexAdminTest {

    @TempDir
    Path dir;

    private static Item item(String id, String title) {
        return new Item(id, title, "", "Garden > Tools", BigDecimal.ONE, "EUR", true, "en", Map.of());
    }

    @Test
    void aCompletedRebuildMergesTheSegmentsUnlessToldNotTo() throws Exception {
        // Batches of 20 with a refresh after each: a segment per batch before the merge.
        try (Fixture fx = new Fixture(dir.resolve("kept"), 200, TestConfig.defaults().set("rebuild.batch.size", 20)
                .set("rebuild.merge.segments", 0))) {
            assertTrue(fx.index.status(false).segments() > 1, "segments " + fx.index.status(false).segments());
        }
        try (Fixture fx = new Fixture(dir.resolve("merged"), 200, TestConfig.defaults()
                .set("rebuild.batch.size", 20).set("refresh.interval.ms", 50))) {
            // The merge runs in the background; the periodic refresh shows it.
            assertEquals(1, segmentsWithin(fx, 30_000));
            assertEquals(200, fx.index.size());
            // The merged index answers as before: every item found by id, filters applied.
            assertEquals(200, fx.index.lookup(fx.items.stream().map(Item::id).toList()).size());
            // A publication rewrites every item: merged again afterwards.
            Map<String, float[]> vectors = new java.util.HashMap<>();
            fx.items.forEach(it -> vectors.put(it.id(), new float[] {1, it.id().hashCode() % 7}));
            fx.index.publish(new dev.rialto.api.retrieval.BehaviourVectors("ials", "1", 2, vectors, Map.of(), 0.1,
                    Fixture.T0));
            assertEquals(1, segmentsWithin(fx, 30_000));
            assertEquals(10, fx.index.knnField(fx.index.behaviour().field(), new float[] {1, 1}, 10,
                    dev.rialto.api.retrieval.ItemFilter.DEFAULT, java.util.Set.of()).size());
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Fixture(dir.resolve("bad"), 1, TestConfig.defaults().set("rebuild.merge.segments", -1)));
        assertTrue(e.getMessage().contains("rebuild.merge.segments"), e.getMessage());
    }

    /** The segment count once it is 1, or the last one seen when the time is up (bounded polling). */
    private static int segmentsWithin(Fixture fx, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        int segments = fx.index.status(false).segments();
        while (segments != 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            segments = fx.index.status(false).segments();
        }
        return segments;
    }

    @Test
    void statusCountsDocumentsSegmentsVectorsAndCommits() throws Exception {
        FakeEmbedder en = new FakeEmbedder("fake-en", 16, "en");
        try (Fixture fx = new Fixture(dir, 120, TestConfig.defaults().set("rebuild.batch.size", 50), en)) {
            IndexStatus s = fx.index.status(false);
            assertEquals(120, s.documents());
            assertEquals(120, s.itemsInStore());
            assertEquals(0, s.lag());
            assertTrue(s.segments() >= 1, "segments " + s.segments());
            assertEquals(Map.of("fake-en", 120L), s.vectorsByModel());
            assertNull(s.consistency(), "not asked for");
            assertNull(s.rebuild(), "no rebuild runs");
            assertNotNull(s.lastUpdate());
            assertNull(s.lastCommit(), "nothing committed yet");
        }
        // Reopened: the commit time survives in the commit's user data.
        try (Fixture again = new Fixture(dir, 120)) {
            IndexStatus s = again.index.status(false);
            assertNotNull(s.lastCommit());
            assertNull(s.lastUpdate(), "nothing written since it opened");
        }
    }

    @Test
    void checkFindsItemsMissingFromTheIndexAndDocumentsNotInTheStore() throws Exception {
        try (Fixture fx = new Fixture(dir, 50)) {
            // In the store without the feed telling the index; in the index without being in the store.
            fx.itemRepo.upsert(List.of(item("zz-new", "new rake"), item("zz-new2", "new hose")));
            fx.index.itemsStored(List.of(item("aa-gone", "gone shovel")));

            IndexStatus s = fx.index.status(true);
            assertEquals(51, s.documents());
            assertEquals(52, s.itemsInStore());
            assertEquals(1, s.lag());
            IndexStatus.Consistency c = s.consistency();
            assertFalse(c.consistent());
            assertEquals(2, c.missingFromIndex());
            assertEquals(List.of("zz-new", "zz-new2"), c.missingSample());
            assertEquals(1, c.notInStore());
            assertEquals(List.of("aa-gone"), c.notInStoreSample());
        }
    }

    @Test
    void rebuildReportsProgressRepairsTheIndexAndKeepsFirstSeen() throws Exception {
        try (Fixture fx = new Fixture(dir, 200, TestConfig.defaults().set("rebuild.batch.size", 64))) {
            fx.itemRepo.upsert(List.of(item("zz-new", "new rake")));
            fx.index.itemsStored(List.of(item("aa-gone", "gone shovel")));
            long firstSeen = fx.index.firstSeen(List.of(Catalogue.id(7))).get(Catalogue.id(7));

            List<long[]> updates = new ArrayList<>();
            IndexAdmin.RebuildResult result = fx.index.rebuild((done, total) -> updates.add(new long[] {done, total}));

            assertEquals(201, result.indexed());
            assertEquals(1, result.removed());
            assertEquals(List.of("64/201", "128/201", "192/201", "201/201"),
                    updates.stream().map(u -> u[0] + "/" + u[1]).toList());
            IndexStatus s = fx.index.status(true);
            assertTrue(s.consistency().consistent(), s.consistency().toString());
            assertEquals(201, s.documents());
            assertEquals(1, fx.index.search(new TermQuery(new Term(ItemIndex.F_ID, "zz-new")), 1).size());
            assertEquals(firstSeen, fx.index.firstSeen(List.of(Catalogue.id(7))).get(Catalogue.id(7)));
        }
    }

    @Test
    void searchesSeeEveryItemWhileARebuildRuns() throws Exception {
        int n = 1500;
        try (Fixture fx = new Fixture(dir, n, TestConfig.defaults().set("rebuild.batch.size", 50)
                .set("refresh.interval.ms", 5))) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger searches = new AtomicInteger();
            List<Thread> searchers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        try {
                            int size = fx.index.size();
                            if (size != n) {
                                problems.add("size " + size);
                            }
                            if (fx.index.search(new TermQuery(new Term(ItemIndex.F_ID, Catalogue.id(n - 1))), 1)
                                    .isEmpty()) {
                                problems.add("last item not found");
                            }
                            searches.incrementAndGet();
                        } catch (RuntimeException e) {
                            problems.add(e.toString());
                        }
                    }
                });
                thread.start();
                searchers.add(thread);
            }
            IndexAdmin.RebuildResult result = fx.index.rebuild(null);
            running.set(false);
            for (Thread t : searchers) {
                t.join(10_000);
            }
            assertEquals(n, result.indexed());
            assertEquals(0, result.removed());
            assertTrue(searches.get() > 0);
            assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())));
        }
    }

    @Test
    void oneRebuildAtATimeAndStatusShowsItsProgress() throws Exception {
        try (Fixture fx = new Fixture(dir, 200, TestConfig.defaults().set("rebuild.batch.size", 64))) {
            CountDownLatch firstBatch = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread rebuild = new Thread(() -> {
                try {
                    fx.index.rebuild((done, total) -> {
                        firstBatch.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            rebuild.start();
            assertTrue(firstBatch.await(10, TimeUnit.SECONDS));
            IndexStatus s = fx.index.status(false);
            assertNotNull(s.rebuild());
            assertEquals(64, s.rebuild().done());
            assertEquals(200, s.rebuild().total());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> fx.index.rebuild(null));
            assertTrue(e.getMessage().contains("already running"));
            release.countDown();
            rebuild.join(10_000);
            assertNull(failure.get());
            assertNull(fx.index.status(false).rebuild());
        }
    }

    @Test
    void interruptingCancelsAndRemovesNothing() throws Exception {
        try (Fixture fx = new Fixture(dir, 200, TestConfig.defaults().set("rebuild.batch.size", 64))) {
            fx.index.itemsStored(List.of(item("aa-gone", "gone shovel")));
            Thread caller = Thread.currentThread();
            // Ctrl-C in the console: the caller is interrupted, never the thread doing Lucene's I/O.
            RialtoException e = assertThrows(RialtoException.class, () -> fx.index.rebuild((done, total) -> {
                if (done == 64) {
                    caller.interrupt();
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException x) {
                        throw new AssertionError("the rebuild thread was interrupted");
                    }
                }
            }));
            assertTrue(Thread.interrupted(), "the interrupt stays set");
            assertTrue(e.getMessage().contains("cancelled (interrupted) after 64 of 200 items"), e.getMessage());
            assertEquals(201, fx.index.size());
            // A later rebuild works.
            assertEquals(1, fx.index.rebuild(null).removed());
        }
    }
}
