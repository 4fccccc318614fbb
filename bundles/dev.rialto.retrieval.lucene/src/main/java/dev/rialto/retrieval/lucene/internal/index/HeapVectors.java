package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;

import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.Constants;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.NeighborQueue;
import org.apache.lucene.util.hnsw.OrdinalTranslatedKnnCollector;

/**
 * One segment's float vectors of one field copied to the heap, one array per vector in Lucene's ordinal order, with
 * level 0 of that segment's HNSW graph: {@link #search} walks Lucene's graph as Lucene 9.12's searcher does (same
 * entry point, descent, candidate queue, bound, visit counts and collector calls: {@link #walk}), scoring each
 * visited vector from the heap with Lucene's own similarity on the same floats, so it visits the same nodes and
 * finds the same neighbours with the same scores (HeapVectorsTest). Why not Lucene's walk itself: on Java 17 it
 * scores one neighbour at a time with scalar code and tests a sparse visited set per neighbour; scoring an expanded
 * node's neighbours four at a time and a plain bit set cut a walk by about a third (docs/benchmarks.md (n)).
 * {@code knn.heap.mb = 0} leaves every walk to Lucene.
 * Segments are immutable, so a copy serves every searcher that shares the segment until it is merged away.
 */
final class HeapVectors {

    private final float[][] vectors;
    /** The document of each ordinal; null when every document of the segment has a vector (ordinal = doc). */
    private final int[] docs;
    private final VectorSimilarityFunction similarity;
    private final HnswGraphProvider graphs;
    private final String field;
    /**
     * Level 0 of the graph, where a walk spends nearly all its visits: the neighbours of node i are
     * {@code neighbours[offsets[i]..offsets[i + 1])}, in the order Lucene's graph reader gives them (decoding them
     * from the file at every expanded node was a tenth of a walk). The upper levels are read from the file.
     */
    private final int[] offsets;
    private final int[] neighbours;
    private final long bytes;

    private HeapVectors(float[][] vectors, int[] docs, VectorSimilarityFunction similarity, HnswGraphProvider graphs,
            String field, int[] offsets, int[] neighbours) {
        this.vectors = vectors;
        this.docs = docs;
        this.similarity = similarity;
        this.graphs = graphs;
        this.field = field;
        this.offsets = offsets;
        this.neighbours = neighbours;
        long b = 64L + (long) vectors.length * (16 + (long) similarityDims(vectors) * Float.BYTES)
                + (docs == null ? 0 : 16 + 4L * docs.length) + 16 + 4L * offsets.length + 16 + 4L * neighbours.length;
        this.bytes = b;
    }

    private static int similarityDims(float[][] vectors) {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }

    /**
     * The heap copy of the leaf's field, or null when the field is not a float32 HNSW field of a plain segment
     * (int8-quantized fields, other readers: those are searched by Lucene as before) or its copy would take more than
     * {@code maxBytes}.
     */
    static HeapVectors copy(LeafReader leaf, String field, long maxBytes) throws IOException {
        LeafReader unwrapped = FilterLeafReader.unwrap(leaf);
        if (!(unwrapped instanceof SegmentReader segment)) {
            return null;
        }
        FieldInfo info = leaf.getFieldInfos().fieldInfo(field);
        if (info == null || info.getVectorEncoding() != VectorEncoding.FLOAT32 || info.getVectorDimension() == 0
                || FilteredKnn.quantized(leaf, field)) {
            return null;
        }
        KnnVectorsReader reader = segment.getVectorReader();
        if (reader instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
            reader = perField.getFieldReader(field);
        }
        if (!(reader instanceof HnswGraphProvider provider)) {
            return null;
        }
        FloatVectorValues values = leaf.getFloatVectorValues(field);
        if (values == null || values.size() == 0) {
            return null;
        }
        int n = values.size();
        int dims = values.dimension();
        long bytes = bytes(n, dims);
        if (bytes > maxBytes) {
            return null;
        }
        float[][] copied = new float[n][];
        int[] docs = new int[n];
        boolean dense = n == leaf.maxDoc();
        int ord = 0;
        // Lucene numbers a segment's vectors in document order: the i-th document with a vector is ordinal i.
        for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
            copied[ord] = values.vectorValue().clone();
            docs[ord] = doc;
            dense &= doc == ord;
            ord++;
        }
        if (ord != n) {
            return null;
        }
        HnswGraph graph = provider.getGraph(field);
        if (graph == null || graph.size() != n) {
            return null;
        }
        int[] offsets = new int[n + 1];
        int[] neighbours = new int[Math.max(16, n * 8)];
        int at = 0;
        for (int node = 0; node < n; node++) {
            offsets[node] = at;
            graph.seek(0, node);
            for (int f = graph.nextNeighbor(); f != DocIdSetIterator.NO_MORE_DOCS; f = graph.nextNeighbor()) {
                if (at == neighbours.length) {
                    neighbours = java.util.Arrays.copyOf(neighbours, neighbours.length * 2);
                }
                neighbours[at++] = f;
            }
        }
        offsets[n] = at;
        return new HeapVectors(copied, dense ? null : docs, info.getVectorSimilarityFunction(), provider, field,
                offsets, java.util.Arrays.copyOf(neighbours, at));
    }

    /**
     * Heap bytes a copy of {@code n} vectors of {@code dims} takes at most: the vectors with their array headers,
     * the doc table and level 0 of the graph (at most 2M = 32 neighbours a node with Lucene's default M of 16).
     */
    static long bytes(int n, int dims) {
        return (long) n * (dims * Float.BYTES + 16 + Integer.BYTES + 33 * Integer.BYTES) + 128;
    }

    /** Heap bytes the copy takes (estimated). */
    long bytes() {
        return bytes;
    }

    /** Vectors in the copy. */
    int size() {
        return vectors.length;
    }

    /**
     * Lucene's HNSW search of this segment for {@code query} ({@code LeafReader.searchNearestVectors}) with the
     * vectors read from the heap: {@code collector} receives documents as Lucene's would, {@code acceptDocs} (null:
     * every document) filters inside the walk.
     */
    void search(float[] query, KnnCollector collector, Bits acceptDocs) throws IOException {
        if (collector.k() == 0) {
            return;
        }
        KnnCollector results = new OrdinalTranslatedKnnCollector(collector, this::ordToDoc);
        Bits acceptOrds = acceptOrds(acceptDocs);
        int n = vectors.length;
        if (collector.k() < n) {
            walk(query, results, graphs.getGraph(field), acceptOrds);
            return;
        }
        // As Lucene: asked for at least every vector, score them all.
        for (int i = 0; i < n; i++) {
            if (acceptOrds == null || acceptOrds.get(i)) {
                if (results.earlyTerminated()) {
                    break;
                }
                results.incVisitedCount(1);
                results.collect(i, score(query, i));
            }
        }
    }

    /**
     * Lucene 9.12's {@code HnswGraphSearcher.search} step for step (the greedy descent to the best entry point on the
     * upper levels, then the best-first search of level 0 with the same candidate queue, visit counts, bound and
     * collector calls), with two differences that do not change what it finds: the visited nodes are a plain bit
     * set (Lucene's sparse one paid a population count per test), and the unvisited neighbours of an expanded node
     * (on every level) are scored together, four or two vectors per pass ({@link #dots}), before they are offered in
     * order.
     * A node's score does not depend on the others, so only the work done after a visit limit stops the walk
     * differs.
     */
    private void walk(float[] query, KnnCollector results, HnswGraph graph, Bits acceptOrds) throws IOException {
        int ep = graph.entryNode();
        if (ep == -1) {
            return;
        }
        FixedBitSet visited = new FixedBitSet(graph.maxNodeId() + 1);
        int[] friends = new int[32];
        float[] scores = new float[32];
        float[] dotsOut = new float[4];
        if (graph.numLevels() > 1) {
            float best = score(query, ep);
            results.incVisitedCount(1);
            for (int level = graph.numLevels() - 1; level >= 1; level--) {
                boolean better = true;
                visited.set(ep);
                while (better) {
                    better = false;
                    graph.seek(level, ep);
                    int count = 0;
                    int friend;
                    while ((friend = graph.nextNeighbor()) != DocIdSetIterator.NO_MORE_DOCS) {
                        if (!visited.getAndSet(friend)) {
                            if (count == friends.length) {
                                friends = java.util.Arrays.copyOf(friends, count * 2);
                                scores = new float[count * 2];
                            }
                            friends[count++] = friend;
                        }
                    }
                    scores(query, friends, count, scores, dotsOut);
                    for (int i = 0; i < count; i++) {
                        if (results.earlyTerminated()) {
                            return;
                        }
                        results.incVisitedCount(1);
                        if (scores[i] > best) {
                            best = scores[i];
                            ep = friends[i];
                            better = true;
                        }
                    }
                }
            }
            if (results.earlyTerminated()) {
                return;
            }
            visited.clear();
        }
        if (results.earlyTerminated()) {
            return;
        }
        NeighborQueue candidates = new NeighborQueue(results.k(), true);
        visited.set(ep);
        float epScore = score(query, ep);
        results.incVisitedCount(1);
        candidates.add(ep, epScore);
        if (acceptOrds == null || acceptOrds.get(ep)) {
            results.collect(ep, epScore);
        }
        float bound = results.minCompetitiveSimilarity();
        while (candidates.size() > 0 && !results.earlyTerminated()) {
            if (candidates.topScore() < bound) {
                break;
            }
            int node = candidates.pop();
            int count = 0;
            for (int j = offsets[node], end = offsets[node + 1]; j < end; j++) {
                int friend = neighbours[j];
                if (!visited.getAndSet(friend)) {
                    if (count == friends.length) {
                        friends = java.util.Arrays.copyOf(friends, count * 2);
                        scores = new float[count * 2];
                    }
                    friends[count++] = friend;
                }
            }
            scores(query, friends, count, scores, dotsOut);
            for (int i = 0; i < count; i++) {
                if (results.earlyTerminated()) {
                    break;
                }
                float score = scores[i];
                results.incVisitedCount(1);
                if (score > bound) {
                    candidates.add(friends[i], score);
                    if ((acceptOrds == null || acceptOrds.get(friends[i])) && results.collect(friends[i], score)) {
                        bound = results.minCompetitiveSimilarity();
                    }
                }
            }
        }
    }

    private int ordToDoc(int ord) {
        return docs == null ? ord : docs[ord];
    }

    private Bits acceptOrds(Bits acceptDocs) {
        if (acceptDocs == null || docs == null) {
            return acceptDocs;
        }
        int[] d = docs;
        return new Bits() {
            @Override
            public boolean get(int ord) {
                return acceptDocs.get(d[ord]);
            }

            @Override
            public int length() {
                return d.length;
            }
        };
    }

    /** The node's score as Lucene's flat scorer computes it. */
    private float score(float[] query, int ord) {
        return similarity.compare(query, vectors[ord]);
    }

    /**
     * The scores of {@code count} nodes, as {@link #score} computes each (the same floats, bit for bit);
     * {@code two}: four floats of scratch, kept by the walk.
     */
    private void scores(float[] query, int[] ords, int count, float[] out, float[] two) {
        int i = 0;
        if (PAIRED && (similarity == VectorSimilarityFunction.DOT_PRODUCT
                || similarity == VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT)) {
            boolean dot = similarity == VectorSimilarityFunction.DOT_PRODUCT;
            for (; i + 3 < count; i += 4) {
                dots(query, vectors[ords[i]], vectors[ords[i + 1]], vectors[ords[i + 2]], vectors[ords[i + 3]], two);
                for (int j = 0; j < 4; j++) {
                    out[i + j] = dot ? Math.max((1 + two[j]) / 2, 0) : VectorUtil.scaleMaxInnerProductScore(two[j]);
                }
            }
            for (; i + 1 < count; i += 2) {
                dots(query, vectors[ords[i]], vectors[ords[i + 1]], two);
                out[i] = dot ? Math.max((1 + two[0]) / 2, 0) : VectorUtil.scaleMaxInnerProductScore(two[0]);
                out[i + 1] = dot ? Math.max((1 + two[1]) / 2, 0) : VectorUtil.scaleMaxInnerProductScore(two[1]);
            }
        }
        for (; i < count; i++) {
            out[i] = score(query, ords[i]);
        }
    }

    private static final boolean FMA = Constants.HAS_FAST_SCALAR_FMA;

    private static float fma(float a, float b, float c) {
        return FMA ? Math.fma(a, b, c) : a * b + c;
    }

    /**
     * The dot products of {@code q} with {@code a} and with {@code b}, each in exactly the order of operations of
     * Lucene's scalar dot product on Java 17 (four accumulators over the multiples of four above 32 dimensions, then
     * the rest): the same floats. One vector's four chains wait on the latency of each multiply-add; two vectors'
     * eight chains keep the unit busy, about twice the vectors per second.
     */
    static void dots(float[] q, float[] a, float[] b, float[] out) {
        float ra = 0f;
        float rb = 0f;
        int i = 0;
        int n = q.length;
        if (n > 32) {
            float a1 = 0;
            float a2 = 0;
            float a3 = 0;
            float a4 = 0;
            float b1 = 0;
            float b2 = 0;
            float b3 = 0;
            float b4 = 0;
            int upper = n & ~3;
            for (; i < upper; i += 4) {
                float q0 = q[i];
                float q1 = q[i + 1];
                float q2 = q[i + 2];
                float q3 = q[i + 3];
                a1 = fma(q0, a[i], a1);
                b1 = fma(q0, b[i], b1);
                a2 = fma(q1, a[i + 1], a2);
                b2 = fma(q1, b[i + 1], b2);
                a3 = fma(q2, a[i + 2], a3);
                b3 = fma(q2, b[i + 2], b3);
                a4 = fma(q3, a[i + 3], a4);
                b4 = fma(q3, b[i + 3], b4);
            }
            ra += a1 + a2 + a3 + a4;
            rb += b1 + b2 + b3 + b4;
        }
        for (; i < n; i++) {
            ra = fma(q[i], a[i], ra);
            rb = fma(q[i], b[i], rb);
        }
        out[0] = ra;
        out[1] = rb;
    }

    /**
     * As {@link #dots(float[], float[], float[], float[])} for four vectors: sixteen chains, and four vectors'
     * memory reads in flight at once (a walk's vectors are scattered over the field: measured on 100k x 384, about
     * 30% less time a vector than pairs).
     */
    static void dots(float[] q, float[] a, float[] b, float[] c, float[] d, float[] out) {
        float ra = 0f;
        float rb = 0f;
        float rc = 0f;
        float rd = 0f;
        int i = 0;
        int n = q.length;
        if (n > 32) {
            float a1 = 0;
            float a2 = 0;
            float a3 = 0;
            float a4 = 0;
            float b1 = 0;
            float b2 = 0;
            float b3 = 0;
            float b4 = 0;
            float c1 = 0;
            float c2 = 0;
            float c3 = 0;
            float c4 = 0;
            float d1 = 0;
            float d2 = 0;
            float d3 = 0;
            float d4 = 0;
            int upper = n & ~3;
            for (; i < upper; i += 4) {
                float q0 = q[i];
                float q1 = q[i + 1];
                float q2 = q[i + 2];
                float q3 = q[i + 3];
                a1 = fma(q0, a[i], a1);
                b1 = fma(q0, b[i], b1);
                c1 = fma(q0, c[i], c1);
                d1 = fma(q0, d[i], d1);
                a2 = fma(q1, a[i + 1], a2);
                b2 = fma(q1, b[i + 1], b2);
                c2 = fma(q1, c[i + 1], c2);
                d2 = fma(q1, d[i + 1], d2);
                a3 = fma(q2, a[i + 2], a3);
                b3 = fma(q2, b[i + 2], b3);
                c3 = fma(q2, c[i + 2], c3);
                d3 = fma(q2, d[i + 2], d3);
                a4 = fma(q3, a[i + 3], a4);
                b4 = fma(q3, b[i + 3], b4);
                c4 = fma(q3, c[i + 3], c4);
                d4 = fma(q3, d[i + 3], d4);
            }
            ra += a1 + a2 + a3 + a4;
            rb += b1 + b2 + b3 + b4;
            rc += c1 + c2 + c3 + c4;
            rd += d1 + d2 + d3 + d4;
        }
        for (; i < n; i++) {
            ra = fma(q[i], a[i], ra);
            rb = fma(q[i], b[i], rb);
            rc = fma(q[i], c[i], rc);
            rd = fma(q[i], d[i], rd);
        }
        out[0] = ra;
        out[1] = rb;
        out[2] = rc;
        out[3] = rd;
    }

    /**
     * Whether {@link #dots} gives Lucene's dot products bit for bit in this JVM (Lucene's scalar implementation);
     * with another implementation (a vectorised one on a newer JVM) every node is scored by Lucene's own call.
     */
    private static final boolean PAIRED = checkDots();

    private static boolean checkDots() {
        java.util.Random random = new java.util.Random(7);
        float[] out = new float[4];
        for (int dims : new int[] {1, 3, 31, 32, 33, 64, 67, 384}) {
            for (int t = 0; t < 20; t++) {
                float[][] v = new float[5][dims];
                for (float[] x : v) {
                    for (int d = 0; d < dims; d++) {
                        x[d] = (float) random.nextGaussian();
                    }
                }
                dots(v[0], v[1], v[2], out);
                for (int j = 0; j < 2; j++) {
                    if (Float.floatToIntBits(out[j]) != Float.floatToIntBits(VectorUtil.dotProduct(v[0], v[1 + j]))) {
                        return false;
                    }
                }
                dots(v[0], v[1], v[2], v[3], v[4], out);
                for (int j = 0; j < 4; j++) {
                    if (Float.floatToIntBits(out[j]) != Float.floatToIntBits(VectorUtil.dotProduct(v[0], v[1 + j]))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Whether scores are computed two vectors at a time (tests read it). */
    static boolean paired() {
        return PAIRED;
    }
}
