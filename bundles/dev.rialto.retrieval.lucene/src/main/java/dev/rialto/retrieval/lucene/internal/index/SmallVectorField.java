package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;

/**
 * One reader's vector field kept on the heap, transposed (a column per dimension), for fields small enough: an exact
 * kNN is then {@code dims} passes of {@code scores[item] += q[d] * column[d][item]}, a loop the JIT vectorises. On
 * Java 17 Lucene's dot products run scalar (one vector at a time, a float reduction the JIT does not vectorise), and a
 * campaign asks k = 100-500 of a few thousand items per profile, where a graph walk visits most of them anyway: the
 * columns answer exactly in a fifth of a scan's time.
 *
 * <p>For the kNN of a weighted mean of item vectors (a user's history) it also keeps similarity rows: the dot
 * products of a history item with every item, computed once per reader; the mean's scores are then a weighted sum of
 * a few rows.
 *
 * <p>Scores are the field's similarity of the dot products (dot product or maximum inner product); they equal the
 * scan's up to float rounding (other summation order), so near-equal scores may trade places.
 */
final class SmallVectorField {

    private final VectorSimilarityFunction similarity;
    /** Global doc ids of the live documents with a vector, ascending: slot i is docs[i]. */
    private final int[] docs;
    private final float[][] columns;
    private final Map<String, Integer> slotById;
    private final Map<Integer, float[]> rows = new ConcurrentHashMap<>();
    /** Bytes the columns and rows may take; rows beyond it are not kept. */
    private final long budget;
    private final AtomicLong used;

    private SmallVectorField(VectorSimilarityFunction similarity, int[] docs, float[][] columns,
            Map<String, Integer> slotById, long budget) {
        this.similarity = similarity;
        this.docs = docs;
        this.columns = columns;
        this.slotById = slotById;
        this.budget = budget;
        this.used = new AtomicLong(bytes(docs.length, columns.length));
    }

    private static long bytes(int items, int dims) {
        return (long) items * (4L * dims + 64);
    }

    /**
     * The field of the reader, or null when it does not qualify: more than {@code maxItems} items with a vector, a
     * similarity other than the dot product or maximum inner product, or vectors that exceed the budget.
     */
    static SmallVectorField build(IndexReader reader, String field, String idField, int maxItems, long budgetBytes)
            throws IOException {
        int count = 0;
        int dims = 0;
        VectorSimilarityFunction similarity = null;
        for (LeafReaderContext leaf : reader.leaves()) {
            FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
            if (info == null || info.getVectorDimension() == 0) {
                continue;
            }
            VectorSimilarityFunction f = info.getVectorSimilarityFunction();
            if (f != VectorSimilarityFunction.DOT_PRODUCT && f != VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT
                    || similarity != null && similarity != f || dims != 0 && dims != info.getVectorDimension()) {
                return null;
            }
            similarity = f;
            dims = info.getVectorDimension();
            FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
            count += values == null ? 0 : values.size();
            if (count > maxItems) {
                return null;
            }
        }
        if (count == 0 || bytes(count, dims) > budgetBytes) {
            return null;
        }
        int[] docs = new int[count];
        float[][] columns = new float[dims][count];
        Map<String, Integer> slotById = new HashMap<>(count * 2);
        int n = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader r = leaf.reader();
            FloatVectorValues values = r.getFloatVectorValues(field);
            if (values == null) {
                continue;
            }
            Bits live = r.getLiveDocs();
            SortedDocValues ids = DocValues.getSorted(r, idField);
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                if (live != null && !live.get(doc) || !ids.advanceExact(doc)) {
                    continue;
                }
                float[] v = values.vectorValue();
                for (int d = 0; d < dims; d++) {
                    columns[d][n] = v[d];
                }
                docs[n] = leaf.docBase + doc;
                slotById.put(ids.lookupOrd(ids.ordValue()).utf8ToString(), n);
                n++;
            }
        }
        if (n < count) {
            docs = Arrays.copyOf(docs, n);
            for (int d = 0; d < dims; d++) {
                columns[d] = Arrays.copyOf(columns[d], n);
            }
        }
        return new SmallVectorField(similarity, docs, columns, slotById, budgetBytes);
    }

    int dims() {
        return columns.length;
    }

    int size() {
        return docs.length;
    }

    /** The dot product of the query with every item, by slot. */
    private float[] dots(float[] q) {
        float[] out = new float[docs.length];
        for (int d = 0; d < columns.length; d++) {
            float qd = q[d];
            float[] column = columns[d];
            for (int s = 0; s < out.length; s++) {
                out[s] += qd * column[s];
            }
        }
        return out;
    }

    /** The best k accepted documents for the query vector ({@code accepted == null}: every live one). */
    ScoreDoc[] knn(float[] q, int k, FixedBitSet[] accepted, List<LeafReaderContext> leaves) {
        return top(dots(q), k, accepted, leaves);
    }

    /**
     * The best k documents for the normalised mean of the given items' vectors, {@code mean = sum of coefficient x
     * vector} (the caller has divided its weights by the weighted sum's norm), as {@link #knn} of that mean: the
     * coefficient-weighted sum of the items' rows. Null when an item has no slot, or when more than
     * {@code computeAtMost} of the items' rows are missing (as many are computed, so that later calls find them) or
     * cannot be kept: the caller then asks {@link #knn}.
     */
    ScoreDoc[] knnOfMean(Map<String, Double> coefficients, int k, FixedBitSet[] accepted,
            List<LeafReaderContext> leaves, int computeAtMost) {
        int m = coefficients.size();
        int[] slots = new int[m];
        float[] c = new float[m];
        float[][] rowOf = new float[m][];
        int i = 0;
        int missing = 0;
        for (Map.Entry<String, Double> e : coefficients.entrySet()) {
            Integer slot = slotById.get(e.getKey());
            if (slot == null) {
                return null;
            }
            slots[i] = slot;
            c[i] = e.getValue().floatValue();
            rowOf[i] = rows.get(slot);
            if (rowOf[i] == null) {
                missing++;
            }
            i++;
        }
        if (missing > computeAtMost) {
            // Computed to be kept for the next calls; this one is cheaper from the columns.
            int computed = 0;
            for (int j = 0; j < m && computed < computeAtMost; j++) {
                if (rowOf[j] == null && keep(slots[j]) != null) {
                    computed++;
                }
            }
            return null;
        }
        for (int j = 0; j < m; j++) {
            if (rowOf[j] == null) {
                rowOf[j] = keep(slots[j]);
                if (rowOf[j] == null) {
                    return null; // the budget is full
                }
            }
        }
        int n = docs.length;
        float[] acc = new float[n];
        for (int j = 0; j < m; j++) {
            float[] row = rowOf[j];
            float cj = c[j];
            for (int s = 0; s < n; s++) {
                acc[s] += cj * row[s];
            }
        }
        return top(acc, k, accepted, leaves);
    }

    private ScoreDoc[] top(float[] dots, int k, FixedBitSet[] accepted, List<LeafReaderContext> leaves) {
        FilteredKnn.TopK best = new FilteredKnn.TopK(k);
        boolean mip = similarity == VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        int leaf = -1;
        int leafEnd = 0;
        int base = 0;
        FixedBitSet bits = null;
        for (int s = 0; s < docs.length; s++) {
            int doc = docs[s];
            if (accepted != null) {
                while (doc >= leafEnd) {
                    leaf++;
                    base = leaves.get(leaf).docBase;
                    leafEnd = base + leaves.get(leaf).reader().maxDoc();
                    bits = leaf < accepted.length ? accepted[leaf] : null;
                }
                if (bits == null || !bits.get(doc - base)) {
                    continue;
                }
            }
            float dot = dots[s];
            // As Lucene's DOT_PRODUCT and MAXIMUM_INNER_PRODUCT similarities score a dot product.
            best.offer(doc, mip ? VectorUtil.scaleMaxInnerProductScore(dot) : Math.max((1 + dot) / 2, 0));
        }
        return best.drain();
    }

    /** The dot products of a slot's vector with every slot's, kept; null when the budget has no room for it. */
    private float[] keep(int slot) {
        float[] row = rows.get(slot);
        if (row != null) {
            return row;
        }
        long bytes = 4L * docs.length + 64;
        if (used.addAndGet(bytes) > budget) {
            used.addAndGet(-bytes);
            return null;
        }
        float[] v = new float[columns.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = columns[d][slot];
        }
        row = dots(v);
        float[] raced = rows.putIfAbsent(slot, row);
        if (raced != null) {
            used.addAndGet(-bytes);
            return raced;
        }
        return row;
    }
}
