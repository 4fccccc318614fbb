package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
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
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

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
        if (accepted == null) {
            return s.search(new KnnFloatVectorQuery(field, vector, k), k).scoreDocs;
        }
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
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
        // The filter is evaluated once: the graph search takes the accepted bits computed above.
        TopDocs top = s.search(new KnnFloatVectorQuery(field, vector, Math.max(k, ask), new AcceptedDocsQuery(accepted)),
                Math.max(k, ask));
        return top.scoreDocs.length <= k ? top.scoreDocs : Arrays.copyOf(top.scoreDocs, k);
    }

    /** Scores every accepted document that has a vector in the field; the best k, best first. */
    private static ScoreDoc[] exactKnn(List<LeafReaderContext> leaves, FixedBitSet[] accepted, String field,
            float[] vector, int k) throws IOException {
        PriorityQueue<ScoreDoc> best = new PriorityQueue<>(k + 1,
                Comparator.comparingDouble((ScoreDoc d) -> d.score).thenComparing(d -> -d.doc));
        for (int i = 0; i < leaves.size(); i++) {
            FixedBitSet bits = accepted[i];
            if (bits == null) {
                continue;
            }
            LeafReader r = leaves.get(i).reader();
            FloatVectorValues values = r.getFloatVectorValues(field);
            if (values == null) {
                continue;
            }
            VectorSimilarityFunction similarity = r.getFieldInfos().fieldInfo(field).getVectorSimilarityFunction();
            int base = leaves.get(i).docBase;
            DocIdSetIterator it = new BitSetIterator(bits, bits.cardinality());
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                int at = values.docID() < doc ? values.advance(doc) : values.docID();
                if (at != doc) {
                    continue;
                }
                float score = similarity.compare(vector, values.vectorValue());
                if (best.size() < k) {
                    best.add(new ScoreDoc(base + doc, score));
                } else if (score > best.peek().score) {
                    best.poll();
                    best.add(new ScoreDoc(base + doc, score));
                }
            }
        }
        ScoreDoc[] out = new ScoreDoc[best.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = best.poll();
        }
        return out;
    }

}
