package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments' vectors kept on the heap for graph walks ({@link HeapVectors}, {@code knn.heap.mb}), per segment
 * core and field: a segment's copy serves every searcher until the segment is merged away (then its memory is
 * released). Copies are made by the warm-up after a refresh, largest segments first, while they fit the budget; a
 * request never copies: a segment without a copy is searched by Lucene from the index file, with the same answer.
 */
final class HeapVectorCache {

    private static final Logger LOG = LoggerFactory.getLogger(HeapVectorCache.class);

    private record Key(Object core, String field) {
    }

    private final Map<Key, HeapVectors> copies = new ConcurrentHashMap<>();
    /** Cores and fields known not to qualify (quantized, other formats): not tried again. */
    private final Map<Key, Boolean> refused = new ConcurrentHashMap<>();
    private final AtomicLong used = new AtomicLong();
    private final LongAdder builds = new LongAdder();
    private final LongAdder served = new LongAdder();
    private volatile long budget;

    HeapVectorCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /** The budget of {@code knn.heap.mb}: at most a quarter of the maximum heap. */
    static long budgetOf(int mb) {
        return Math.min((long) mb << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    /** Sets the memory budget; copies beyond a lowered budget are dropped. */
    synchronized void budget(long bytes) {
        budget = bytes;
        if (used.get() > bytes) {
            copies.clear();
            refused.clear();
            used.set(0);
        }
    }

    /** The leaf's copy of the field, or null (not made yet, or it does not qualify or fit). */
    HeapVectors get(LeafReader leaf, String field) {
        if (budget <= 0) {
            return null;
        }
        IndexReader.CacheHelper helper = leaf.getCoreCacheHelper();
        HeapVectors copy = helper == null ? null : copies.get(new Key(helper.getKey(), field));
        if (copy != null) {
            served.increment();
        }
        return copy;
    }

    /** Copies every vector field of the reader's segments that is not kept yet, largest segments first. */
    synchronized void warm(IndexReader reader) throws IOException {
        if (budget <= 0) {
            return;
        }
        long start = System.nanoTime();
        int copied = 0;
        long bytes = 0;
        java.util.List<LeafReaderContext> leaves = new java.util.ArrayList<>(reader.leaves());
        leaves.sort((a, b) -> Integer.compare(b.reader().maxDoc(), a.reader().maxDoc()));
        for (LeafReaderContext c : leaves) {
            LeafReader leaf = c.reader();
            IndexReader.CacheHelper helper = leaf.getCoreCacheHelper();
            if (helper == null) {
                continue;
            }
            boolean listening = copies.keySet().stream().anyMatch(k -> k.core() == helper.getKey());
            for (FieldInfo info : leaf.getFieldInfos()) {
                if (info.getVectorDimension() == 0) {
                    continue;
                }
                Key key = new Key(helper.getKey(), info.name);
                if (copies.containsKey(key) || refused.containsKey(key)) {
                    continue;
                }
                FloatVectorValues values = leaf.getFloatVectorValues(info.name);
                if (values == null || HeapVectors.bytes(values.size(), values.dimension()) > budget - used.get()) {
                    continue; // tried again at the next warm-up: a merge may have freed memory
                }
                HeapVectors copy = HeapVectors.copy(leaf, info.name, budget - used.get());
                if (copy == null) {
                    refused.put(key, Boolean.TRUE);
                    continue;
                }
                builds.increment();
                used.addAndGet(copy.bytes());
                copies.put(key, copy);
                if (!listening) { // one release per segment core, whatever its fields
                    helper.addClosedListener(core -> release(core));
                    listening = true;
                }
                copied++;
                bytes += copy.bytes();
            }
        }
        if (copied > 0) {
            LOG.info("Copied {} segment vector field(s) to the heap for graph walks: {} MB in {} ms ({} MB kept)",
                    copied, bytes >> 20, (System.nanoTime() - start) / 1_000_000, used.get() >> 20);
        }
    }

    private void release(Object core) {
        copies.entrySet().removeIf(e -> {
            if (e.getKey().core() == core) {
                used.addAndGet(-e.getValue().bytes());
                return true;
            }
            return false;
        });
        refused.keySet().removeIf(k -> k.core() == core);
    }

    /** Heap bytes the copies take now (estimated). */
    long bytes() {
        return used.get();
    }

    /** Segment searches served from a copy so far. */
    long served() {
        return served.sum();
    }

    /** Copies made so far. */
    long builds() {
        return builds.sum();
    }
}
