package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

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
     */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, Query filter,
            double exactShare, int oversampleMax) throws IOException {
        Query f = filter == null ? null : s.rewrite(filter);
        if (f == null || f instanceof MatchAllDocsQuery) {
            return search(s, field, vector, k, (FixedBitSet[]) null, exactShare, oversampleMax);
        }
        return search(s, field, vector, k, FilterBits.evaluate(s, f), exactShare, oversampleMax);
    }

    /**
     * As {@link #search(IndexSearcher, String, float[], int, Query, double, int)}, with the filter already
     * evaluated: {@code accepted[leaf ord]} the accepted live documents of each leaf of this searcher (null for a
     * leaf without any), or {@code accepted == null} for no filter.
     */
    public static ScoreDoc[] search(IndexSearcher s, String field, float[] vector, int k, FixedBitSet[] accepted,
            double exactShare, int oversampleMax) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        if (accepted == null) {
            return perLeaf(leaves, null, field, vector, k);
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
            return exactKnn(leaves, accepted, field, vector, k);
        }
        int ask = (int) Math.min((long) k * oversampleMax, (long) Math.ceil(k / (share * share)));
        ScoreDoc[] top = perLeaf(leaves, accepted, field, vector, Math.max(k, ask));
        return top.length <= k ? top : Arrays.copyOf(top, k);
    }

    /**
     * A leaf whose accepted documents number at most this many times k is scored exactly: a graph walk for k
     * neighbours visits several times k nodes, each visit dearer than a step of a sequential scan, so on small
     * segments (an NRT index has many) the walk costs more than the scan and often ends in one anyway.
     */
    static final int EXACT_LEAF_FACTOR = 2;

    /**
     * The best k over every leaf: HNSW on each leaf with the accepted documents inside the walk (as
     * {@code KnnFloatVectorQuery} does, with the filter already evaluated and without its second pass over the
     * hits), or an exact scan of a leaf whose accepted documents are few next to k, or whose walk visited more
     * nodes than it has accepted documents. {@code accepted == null}: every live document.
     */
    private static ScoreDoc[] perLeaf(List<LeafReaderContext> leaves, FixedBitSet[] accepted, String field,
            float[] vector, int k) throws IOException {
        PriorityQueue<ScoreDoc> best = newQueue(k);
        List<Integer> walked = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            LeafReader r = leaves.get(i).reader();
            FloatVectorValues values = r.getFloatVectorValues(field);
            if (values == null || accepted != null && accepted[i] == null) {
                continue;
            }
            int cost = accepted == null ? values.size() : accepted[i].cardinality();
            if (cost <= (long) EXACT_LEAF_FACTOR * k) {
                exactLeaf(r, field, vector, accepted == null ? null : accepted[i], leaves.get(i).docBase, k, best);
            } else {
                walked.add(i);
            }
        }
        if (walked.isEmpty()) {
            return drain(best);
        }
        // As Lucene's query does across segments: a graph walk stops where it cannot beat the k best found so far in
        // any segment (seeded with the scanned segments' best), instead of finding each segment's own k best.
        BlockingFloatHeap global = new BlockingFloatHeap(k);
        if (!best.isEmpty()) {
            float[] scores = new float[best.size()];
            int n = 0;
            for (ScoreDoc d : best) {
                scores[n++] = d.score;
            }
            Arrays.sort(scores);
            global.offer(scores, n);
        }
        boolean shared = walked.size() > 1 || !best.isEmpty();
        for (int i : walked) {
            LeafReader r = leaves.get(i).reader();
            int base = leaves.get(i).docBase;
            int cost = accepted == null ? Integer.MAX_VALUE - 1 : accepted[i].cardinality();
            TopKnnCollector own = new TopKnnCollector(k, cost + 1);
            KnnCollector collector = shared ? new MultiLeafKnnCollector(k, global, own) : own;
            r.searchNearestVectors(field, vector, collector, accepted == null ? r.getLiveDocs() : accepted[i]);
            if (collector.earlyTerminated()) {
                // The walk visited more nodes than the filter accepts: a scan is cheaper and exact.
                exactLeaf(r, field, vector, accepted == null ? null : accepted[i], base, k, best);
                continue;
            }
            for (ScoreDoc d : collector.topDocs().scoreDocs) {
                offer(best, k, base + d.doc, d.score);
            }
        }
        return drain(best);
    }

    /**
     * Scores a leaf's documents that have a vector and are accepted ({@code bits}; null: every live document)
     * into {@code best}.
     */
    private static void exactLeaf(LeafReader r, String field, float[] vector, FixedBitSet bits, int base, int k,
            PriorityQueue<ScoreDoc> best) throws IOException {
        FloatVectorValues values = r.getFloatVectorValues(field);
        VectorSimilarityFunction similarity = r.getFieldInfos().fieldInfo(field).getVectorSimilarityFunction();
        if (bits == null) {
            Bits live = r.getLiveDocs();
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                if (live == null || live.get(doc)) {
                    offer(best, k, base + doc, similarity.compare(vector, values.vectorValue()));
                }
            }
            return;
        }
        DocIdSetIterator it = new BitSetIterator(bits, bits.cardinality());
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            int at = values.docID() < doc ? values.advance(doc) : values.docID();
            if (at == DocIdSetIterator.NO_MORE_DOCS) {
                return;
            }
            if (at == doc) {
                offer(best, k, base + doc, similarity.compare(vector, values.vectorValue()));
            }
        }
    }

    /**
     * The lowest score first, and of equal scores the higher doc id (lower ids win ties). One plain comparator:
     * the chained {@code comparingDouble().thenComparing()} form cost a campaign's kNN a fifth of its time.
     */
    private static final Comparator<ScoreDoc> WORST_FIRST = (a, b) -> {
        int c = Float.compare(a.score, b.score);
        return c != 0 ? c : Integer.compare(b.doc, a.doc);
    };
    private static final Comparator<ScoreDoc> BEST_FIRST = (a, b) -> WORST_FIRST.compare(b, a);

    /** Best last out: the worst kept document on top. */
    private static PriorityQueue<ScoreDoc> newQueue(int k) {
        return new PriorityQueue<>(k + 1, WORST_FIRST);
    }

    private static void offer(PriorityQueue<ScoreDoc> best, int k, int doc, float score) {
        if (best.size() < k) {
            best.add(new ScoreDoc(doc, score));
        } else {
            ScoreDoc worst = best.peek();
            if (score > worst.score || score == worst.score && doc < worst.doc) {
                best.poll();
                best.add(new ScoreDoc(doc, score));
            }
        }
    }

    /** The queue's documents, best first. */
    private static ScoreDoc[] drain(PriorityQueue<ScoreDoc> best) {
        ScoreDoc[] out = best.toArray(new ScoreDoc[0]);
        best.clear();
        Arrays.sort(out, BEST_FIRST);
        return out;
    }

    /** Scores every accepted document that has a vector in the field; the best k, best first. */
    private static ScoreDoc[] exactKnn(List<LeafReaderContext> leaves, FixedBitSet[] accepted, String field,
            float[] vector, int k) throws IOException {
        PriorityQueue<ScoreDoc> best = newQueue(k);
        for (int i = 0; i < leaves.size(); i++) {
            LeafReader r = leaves.get(i).reader();
            if (accepted[i] != null && r.getFloatVectorValues(field) != null) {
                exactLeaf(r, field, vector, accepted[i], leaves.get(i).docBase, k, best);
            }
        }
        return drain(best);
    }
}
