package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeEmbedder;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/**
 * A catalogue loaded through the change feed, batch by batch with vectors following, ends merged as after a
 * rebuild (the demo shop's first import left a dozen segments, and every kNN walked or scanned each of them); a
 * trickle of updates does not force a merge.
 */
class BulkMergeTest {

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
    void aBulkLoadThroughTheFeedEndsInOneSegmentAndATrickleDoesNotMerge() throws Exception {
        fx = new Fixture(dir, Catalogue.generate(10), TestConfig.defaults(), new FakeEmbedder("fake-en", 32, "en"));
        List<Item> more = Catalogue.generate(1_510).subList(10, 1_510);
        for (int from = 0; from < more.size(); from += 100) {
            List<Item> batch = new ArrayList<>(more.subList(from, from + 100));
            fx.itemRepo.upsert(batch);
            fx.index.itemsStored(batch);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        // The vector worker may drain between two batches: no merge until the load has been quiet a while.
        while ((fx.index.status(false).segments() > 1
                || fx.index.status(false).vectorsByModel().getOrDefault("fake-en", 0L) < 1_510)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, fx.index.status(false).segments(), "merged once the load's vectors were written");
        assertEquals(1_510, fx.index.size());
        assertEquals(1_510L, fx.index.status(false).vectorsByModel().get("fake-en"));

        // The load's check ran (a load merged by Lucene's own policy is left so; one quiet time after its end).
        Thread.sleep(ItemIndex.BULK_QUIET_MS + 500);
        // A few single updates afterwards: new segments, left to the merge policy.
        for (int i = 0; i < 3; i++) {
            List<Item> one = List.of(more.get(i));
            fx.index.itemsStored(one);
        }
        // Past the quiet time after which a load counts as ended, so a merge for the trickle would have started.
        Thread.sleep(ItemIndex.BULK_QUIET_MS + 1_500);
        assertTrue(fx.index.status(false).segments() > 1, "no forced merge for a trickle");
    }
}
