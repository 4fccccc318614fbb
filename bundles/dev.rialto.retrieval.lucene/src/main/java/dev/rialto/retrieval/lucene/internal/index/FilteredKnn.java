package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.knn.MultiLeafKnnCollector;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.hnsw.BlockingFloatHeap;

/** The index's kNN search with a filter (also run by the HNSW benchmark, so it measures what the server does). */
public final class FilteredKnn {

    private FilteredKnn() {
    }

    /**
     * kNN adapted to the filter's selectivity (HNSW recall falls when the filter rejects many of the neighbours the
     * graph walk meets): no filter, or one keeping every item, is a plain HNSW search for k; a filter keeping at most
     * {@code exactShare} ({@code knn.exact.share}) of the items with vectors scores those items exactly (they are few: cheaper than a
     * graph walk that keeps rejecting); in between, the graph is asked for {@code k / share^2} (at most
     * {@code oversampleMax} ({@code knn.oversample.max}) x k) with the filter inside the search, and the best k are kept.
     * Searches other than the exact one decide per segment, by expected cost, between a scan and a graph walk.
     */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, Query filter,
            double exactShare, int oversampleMax) throws IOException {
        return search(s, field, vector, k, filter, exactShare, oversampleMax, null);
    }

    /** As above, adding what the search did to {@code cost} (null: not counted). */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, Query filter,
            double exactShare, int oversampleMax, Cost cost) throws IOException {
        return search(s, field, vector, k, filter, exactShare, oversampleMax, DEFAULT_RESCORE, cost);
    }

    /**
     * As above; {@code rescore}: on a leaf whose vectors are int8-quantized, the walk is asked for {@code rescore}
     * x k neighbours, which are scored again with the full-precision vectors before the best k are kept.
     */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, Query filter,
            double exactShare, int oversampleMax, int rescore, Cost cost) throws IOException {
        Query f = filter == null ? null : s.rewrite(filter);
        if (f == null || f instanceof MatchAllDocsQuery) {
            return search(s, field, vector, k, (FixedBitSet[]) null, exactShare, oversampleMax, rescore, cost);
        }
        return search(s, field, vector, k, FilterBits.evaluate(s, f), exactShare, oversampleMax, rescore, cost);
    }

    /** How many times k a walk over int8-quantized vectors is asked for, to be re-scored (knn.rescore). */
    public static final int DEFAULT_RESCORE = 1;

    /**
     * As {@link #search(IndexSearcher, String, float[], int, Query, double, int)}, with the filter already
     * evaluated: {@code accepted[leaf ord]} the accepted live documents of each leaf of this searcher (null for a
     * leaf without any), or {@code accepted == null} for no filter.
     */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, FixedBitSet[] accepted,
            double exactShare, int oversampleMax) throws IOException {
        return search(s, field, vector, k, accepted, exactShare, oversampleMax, null);
    }

    /** As above, adding what the search did to {@code cost} (null: not counted). */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, FixedBitSet[] accepted,
            double exactShare, int oversampleMax, Cost cost) throws IOException {
        return search(s, field, vector, k, accepted, exactShare, oversampleMax, DEFAULT_RESCORE, cost);
    }

    /** As above, with the re-scoring factor of int8-quantized leaves. */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, FixedBitSet[] accepted,
            double exactShare, int oversampleMax, int rescore, Cost cost) throws IOException {
        return search(s, field, vector, k, accepted, exactShare, oversampleMax, rescore, cost, null);
    }

    /**
     * As above; {@code heap}: the segments' vectors kept on the heap, which the graph walks score from where a
     * segment has a copy (null: none), with the same answer.
     */
    static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, FixedBitSet[] accepted,
            double exactShare, int oversampleMax, int rescore, Cost cost, HeapVectorCache heap) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        if (accepted == null) {
            return perLeaf(leaves, null, field, vector, k, rescore, cost, heap);
        }
        long kept = 0;
        long withVectors = 0;
        for (int i = 0; i < leaves.size(); i++) {
            FloatVectorValues values = leaves.get(i).reader().getFloatVectorValues(field);
            if (values == null) {
                continue;
            }
            withVectors += values.size();
            if (accepted[i] != null) {
                kept += accepted[i].cardinality();
            }
        }
        if (kept == 0 || withVectors == 0) {
            return new ScoreDoc[0];
        }
        double share = Math.min(1, kept / (double) withVectors);
        if (share <= exactShare || kept <= k) {
            return exactKnn(leaves, accepted, field, vector, k, cost);
        }
        int ask = (int) Math.min((long) k * oversampleMax, (long) Math.ceil(k / (share * share)));
        ScoreDoc[] top = perLeaf(leaves, accepted, field, vector, Math.max(k, ask), rescore, cost, heap);
        return top.length <= k ? top : Arrays.copyOf(top, k);
    }

    /**
     * How many nodes a graph walk for {@code k} neighbours on a leaf of {@code size} vectors is expected to visit
     * when the filter keeps {@code share} of them: about k ln(size) without a filter (the estimate Lucene uses to
     * decide whether a graph pays at all), and 1/share times that with one, since a walk must meet about 1/share
     * nodes per accepted one.
     */
    static double expectedVisits(int k, int size, double share) {
        return k * Math.log(Math.max(size, 2)) / Math.max(share, 1e-9);
    }

    /**
     * The best k over every leaf, each leaf searched once: exactly when its accepted documents are no more than
     * the nodes a walk would visit (a scan step is cheaper than a graph visit, so the scan wins there; an NRT
     * index has many small segments, a campaign asks k = 500 of a few thousand items), else by HNSW with the
     * accepted documents inside the walk (as {@code KnnFloatVectorQuery} does, with the filter already evaluated and
     * without its second pass over the hits). {@code accepted == null}: every live document.
     */
    private static ScoreDoc[] perLeaf(List<LeafReaderContext> leaves, FixedBitSet[] accepted, String field,
            float[] vector, int k, int rescore, Cost cost, HeapVectorCache heap) throws IOException {
        TopK best = new TopK(k);
        List<Integer> walked = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            LeafReader r = leaves.get(i).reader();
            FloatVectorValues values = r.getFloatVectorValues(field);
            if (values == null || values.size() == 0 || accepted != null && accepted[i] == null) {
                continue;
            }
            int size = values.size();
            int count = accepted == null ? size : accepted[i].cardinality();
            if (count <= k || count <= expectedVisits(k, size, Math.min(1, count / (double) size))) {
                exactLeaf(r, field, vector, accepted == null ? null : accepted[i], leaves.get(i).docBase, best, cost);
            } else {
                walked.add(i);
            }
        }
        // The walks share the best scores found so far by the walks, as Lucene's query does across segments, so that
        // a walk stops where it cannot beat the others. Scanned leaves do not raise that bar: their exact top k sets
        // it above what the walks reach, and a walk cut there loses the neighbours it would have reached through
        // worse nodes (recall fell below Lucene's when they did).
        // A walk over int8-quantized vectors ranks by approximate scores: it is asked for more, and those are scored
        // again with the full-precision vectors (kept beside the quantized ones) so that every leaf's scores compare.
        boolean anyQuantized = false;
        for (int i : walked) {
            anyQuantized |= quantized(leaves.get(i).reader(), field);
        }
        int walkK = anyQuantized ? k * Math.max(1, rescore) : k;
        BlockingFloatHeap global = walked.size() > 1 ? new BlockingFloatHeap(walkK) : null;
        for (int i : walked) {
            LeafReader r = leaves.get(i).reader();
            int base = leaves.get(i).docBase;
            int count = accepted == null ? Integer.MAX_VALUE - 1 : accepted[i].cardinality();
            TopKnnCollector own = new TopKnnCollector(walkK, count + 1);
            KnnCollector collector = global == null ? own : new MultiLeafKnnCollector(walkK, global, own);
            Bits acceptDocs = accepted == null ? r.getLiveDocs() : accepted[i];
            HeapVectors onHeap = heap == null ? null : heap.get(r, field);
            if (onHeap != null) {
                onHeap.search(vector, collector, acceptDocs);
            } else {
                r.searchNearestVectors(field, vector, collector, acceptDocs);
            }
            if (cost != null) {
                cost.visited += collector.visitedCount();
            }
            if (collector.earlyTerminated()) {
                // The estimate was wrong: the walk visited more nodes than the filter accepts. A scan is exact.
                if (cost != null) {
                    cost.fallbacks++;
                }
                exactLeaf(r, field, vector, accepted == null ? null : accepted[i], base, best, cost);
                continue;
            }
            ScoreDoc[] found = collector.topDocs().scoreDocs;
            if (anyQuantized && quantized(r, field)) {
                rescoreLeaf(r, field, vector, found, base, best, cost);
                continue;
            }
            for (ScoreDoc d : found) {
                best.offer(base + d.doc, d.score);
            }
        }
        return best.drain();
    }

    /**
     * Scores a leaf's documents that have a vector and are accepted ({@code bits}; null: every live document)
     * into {@code best}.
     */
    private static void exactLeaf(LeafReader r, String field, float[] vector, FixedBitSet bits, int base, TopK best,
            Cost cost) throws IOException {
        FloatVectorValues values = r.getFloatVectorValues(field);
        VectorSimilarityFunction similarity = r.getFieldInfos().fieldInfo(field).getVectorSimilarityFunction();
        long scored = 0;
        if (bits == null) {
            Bits live = r.getLiveDocs();
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                if (live == null || live.get(doc)) {
                    best.offer(base + doc, similarity.compare(vector, values.vectorValue()));
                    scored++;
                }
            }
        } else {
            DocIdSetIterator it = new BitSetIterator(bits, bits.cardinality());
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                int at = values.docID() < doc ? values.advance(doc) : values.docID();
                if (at == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                if (at == doc) {
                    best.offer(base + doc, similarity.compare(vector, values.vectorValue()));
                    scored++;
                }
            }
        }
        if (cost != null) {
            cost.scanned += scored;
        }
    }

    /** Whether the leaf keeps the field's vectors int8-quantized (Lucene's scalar-quantized HNSW format). */
    public static boolean quantized(LeafReader r, String field) {
        FieldInfo info = r.getFieldInfos().fieldInfo(field);
        String format = info == null ? null : info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
        return format != null && format.contains("ScalarQuantized");
    }

    /** Scores the walk's hits of a leaf again with the full-precision vectors, into {@code best}. */
    private static void rescoreLeaf(LeafReader r, String field, float[] vector, ScoreDoc[] hits, int base, TopK best,
            Cost cost) throws IOException {
        FloatVectorValues values = r.getFloatVectorValues(field);
        VectorSimilarityFunction similarity = r.getFieldInfos().fieldInfo(field).getVectorSimilarityFunction();
        int[] docs = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            docs[i] = hits[i].doc;
        }
        Arrays.sort(docs); // the vector values only move forward
        for (int doc : docs) {
            if (values.docID() < doc && values.advance(doc) == doc) {
                best.offer(base + doc, similarity.compare(vector, values.vectorValue()));
            }
        }
        if (cost != null) {
            cost.rescored += docs.length;
        }
    }

    /** What a search did, for tests and the benchmark: vectors scored by scans, nodes visited by walks. */
    public static final class Cost {
        /** Vectors scored by exact scans. */
        public long scanned;
        /** Nodes the graph walks visited (each one a vector scored). */
        public long visited;
        /** Hits of walks over int8-quantized vectors scored again with the full vectors. */
        public long rescored;
        /** Walks that gave up on their visit limit and were followed by a scan of their leaf (a second pass). */
        public long fallbacks;
    }

    /**
     * The k best (doc, score) pairs; of equal scores the lower doc id wins. Each pair is one long, ordered as the
     * pairs are (score in the high half, the reversed doc id in the low half), kept in a buffer of 2k: when it
     * fills, a selection keeps the k largest and the smallest of those becomes the bar that later pairs must pass.
     * A heap paid log k per pair that entered it, and a campaign's k = 500 over a catalogue of 2,500 items let most
     * pairs in: the heap cost more than the dot products. O(n + k log k) now, same answer.
     */
    static final class TopK {
        private final int k;
        private final long[] keys;
        private int size;
        private long bar = Long.MIN_VALUE;
        private boolean barred;

        TopK(int k) {
            this.k = Math.max(k, 0);
            this.keys = new long[Math.max(2 * this.k, 1)];
        }

        static long key(int doc, float score) {
            return (long) NumericUtils.floatToSortableInt(score) << 32 | (Integer.MAX_VALUE - doc) & 0xFFFFFFFFL;
        }

        static int doc(long key) {
            return Integer.MAX_VALUE - (int) key;
        }

        static float score(long key) {
            return NumericUtils.sortableIntToFloat((int) (key >> 32));
        }

        void offer(int doc, float score) {
            if (k == 0) {
                return;
            }
            long key = key(doc, score);
            if (barred && key <= bar) {
                return;
            }
            keys[size++] = key;
            if (size == keys.length) {
                keepLargest(k);
            }
        }

        /** Leaves the k largest keys in keys[0, k) (in no order) and raises the bar to the smallest of them. */
        private void keepLargest(int keep) {
            select(keys, 0, size, keep);
            size = keep;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < keep; i++) {
                min = Math.min(min, keys[i]);
            }
            bar = min;
            barred = true;
        }

        /** The kept documents, best first; empties it. */
        ScoreDoc[] drain() {
            if (size > k) {
                keepLargest(k);
            }
            Arrays.sort(keys, 0, size);
            ScoreDoc[] out = new ScoreDoc[size];
            for (int i = 0; i < size; i++) {
                long key = keys[size - 1 - i];
                out[i] = new ScoreDoc(doc(key), score(key));
            }
            size = 0;
            barred = false;
            return out;
        }

        /** Moves the {@code keep} largest of a[from, to) to a[from, from + keep) (quickselect, median of three). */
        static void select(long[] a, int from, int to, int keep) {
            int lo = from;
            int hi = to - 1;
            int target = from + keep - 1; // the position of the keep-th largest in descending order
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                // Median of three as the pivot, descending order.
                if (a[mid] > a[lo]) {
                    swap(a, mid, lo);
                }
                if (a[hi] > a[lo]) {
                    swap(a, hi, lo);
                }
                if (a[hi] > a[mid]) {
                    swap(a, hi, mid);
                }
                long pivot = a[mid];
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (a[i] > pivot) {
                        i++;
                    }
                    while (a[j] < pivot) {
                        j--;
                    }
                    if (i <= j) {
                        swap(a, i, j);
                        i++;
                        j--;
                    }
                }
                if (target <= j) {
                    hi = j;
                } else if (target >= i) {
                    lo = i;
                } else {
                    return;
                }
            }
        }

        private static void swap(long[] a, int i, int j) {
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Scores every accepted document that has a vector in the field; the best k, best first. */
    private static ScoreDoc[] exactKnn(List<LeafReaderContext> leaves, FixedBitSet[] accepted, String field,
            float[] vector, int k, Cost cost) throws IOException {
        TopK best = new TopK(k);
        for (int i = 0; i < leaves.size(); i++) {
            LeafReader r = leaves.get(i).reader();
            if (accepted[i] != null && r.getFloatVectorValues(field) != null) {
                exactLeaf(r, field, vector, accepted[i], leaves.get(i).docBase, best, cost);
            }
        }
        return best.drain();
    }
}
