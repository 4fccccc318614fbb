package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The index's own kNN over many segments of different sizes (as an NRT index has them), with deletions: segments
 * with fewer accepted vectors than a walk would visit are scored exactly, the others by HNSW per segment, the walks
 * sharing the best scores they found so far; its recall
 * against an exact scan is Lucene's {@code KnnFloatVectorQuery}'s on the same index (within 0.005), and exactly 1 where
 * every segment is small next to k.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one index for every test: none writes to it
class FilteredKnnTest {

    private static final int DIMS = 16;
    private static final int[] SEGMENTS = {3000, 1500, 400, 120, 40, 7};

    private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
    private final List<float[]> vectors = new ArrayList<>();
    private final Set<Integer> deleted = new HashSet<>();
    private DirectoryReader reader;
    private IndexSearcher searcher;

    @BeforeAll
    void build() throws IOException {
        Random random = new Random(5);
        IndexWriterConfig iwc = new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE);
        try (IndexWriter w = new IndexWriter(dir, iwc)) {
            int id = 0;
            for (int size : SEGMENTS) {
                for (int i = 0; i < size; i++, id++) {
                    float[] v = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    vectors.add(v);
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
                    doc.add(new StringField("id", Integer.toString(id), Field.Store.NO));
                    doc.add(new IntPoint("bucket", id % 10));
                    w.addDocument(doc);
                }
                w.flush();
            }
            for (int id2 = 0; id2 < vectors.size(); id2 += 13) {
                w.deleteDocuments(new Term("id", Integer.toString(id2)));
                deleted.add(id2);
            }
            w.commit();
        }
        reader = DirectoryReader.open(dir);
        searcher = new IndexSearcher(reader);
        assertEquals(SEGMENTS.length, reader.leaves().size());
    }

    @AfterAll
    void close() throws IOException {
        reader.close();
        dir.close();
    }

    @Test
    void recallIsAtLeastLucenesAndSmallSegmentsAreExact() throws IOException {
        Random random = new Random(9);
        for (int k : new int[] {10, 100, 500}) {
            for (int keep : new int[] {10, 5, 1}) { // tenths of the items the filter keeps
                Query filter = keep == 10 ? null : IntPoint.newRangeQuery("bucket", 0, keep - 1);
                double ours = 0;
                double lucene = 0;
                for (int q = 0; q < 20; q++) {
                    float[] query = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        query[d] = (float) random.nextGaussian();
                    }
                    List<Integer> truth = exact(query, k, keep);
                    ScoreDoc[] got = FilteredKnn.search(searcher, "v", query, k, filter, 0.15, 8);
                    ScoreDoc[] theirs = searcher.search(new KnnFloatVectorQuery("v", query, k, filter), k).scoreDocs;
                    assertEquals(truth.size(), got.length, "k=" + k + " keep=" + keep);
                    for (int i = 1; i < got.length; i++) {
                        assertTrue(got[i - 1].score >= got[i].score, "best first");
                    }
                    for (ScoreDoc d : got) {
                        assertTrue(!deleted.contains(d.doc) && (d.doc % 10) < keep, "deleted or filtered out");
                    }
                    ours += recall(got, truth);
                    lucene += recall(theirs, truth);
                }
                // Both prune a segment's walk by the best found in the others; ours seeds that bar from the scanned
                // segments too, so it may differ from Lucene's by a hair either way.
                assertTrue(ours / 20 >= lucene / 20 - 0.005, "k=" + k + " keep=" + keep + ": " + ours / 20 + " < "
                        + lucene / 20);
                assertTrue(ours / 20 >= 0.95, "k=" + k + " keep=" + keep + ": recall " + ours / 20);
            }
        }
        // k = 1,500 makes every segment a scan (a walk would visit more than the 3,000 of the largest): the answer
        // is the exact one, each live vector scored once.
        float[] query = new float[DIMS];
        query[0] = 1;
        FilteredKnn.Cost cost = new FilteredKnn.Cost();
        ScoreDoc[] got = FilteredKnn.search(searcher, "v", query, 1500, (Query) null, 0.15, 8, cost);
        assertArrayEquals(exact(query, 1500, 10).stream().mapToInt(Integer::intValue).toArray(),
                java.util.Arrays.stream(got).mapToInt(d -> d.doc).toArray());
        assertEquals(vectors.size() - deleted.size(), cost.scanned);
        assertEquals(0, cost.visited);
    }

    @Test
    void largeSegmentsAreWalkedWithoutAFallbackScan() throws IOException {
        float[] query = new float[DIMS];
        query[1] = 1;
        FilteredKnn.Cost cost = new FilteredKnn.Cost();
        FilteredKnn.search(searcher, "v", query, 10, (Query) null, 0.15, 8, cost);
        // k = 10: every segment with more vectors than a walk's k ln n visits is walked (3,000 down to 40), the one
        // of 7 scanned; the walks together visit fewer nodes than those segments hold, and none falls back to a scan.
        assertTrue(cost.visited > 0 && cost.visited < 5060 / 2, "visited " + cost.visited);
        assertEquals(0, cost.fallbacks);
        assertEquals(SEGMENTS[5] - deletedIn(5, 6), cost.scanned);
    }

    /**
     * A campaign on a small catalogue: k = 500 of 2,500 items, with and without a filter keeping 95% (availability).
     * The walk would visit more nodes than the leaf has, so the leaf is scanned once, up front: the exact answer,
     * each accepted vector scored once, no graph visited (it used to walk to its visit limit, then scan anyway).
     */
    @Test
    void largeKOnASmallCatalogueIsOneExactScan() throws IOException {
        Random random = new Random(11);
        List<float[]> items = new ArrayList<>();
        try (ByteBuffersDirectory small = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(small, new IndexWriterConfig())) {
                for (int i = 0; i < 2500; i++) {
                    float[] v = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    items.add(v);
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
                    doc.add(new IntPoint("bucket", i % 20));
                    w.addDocument(doc);
                }
                w.forceMerge(1);
            }
            try (DirectoryReader r = DirectoryReader.open(small)) {
                IndexSearcher s = new IndexSearcher(r);
                for (int q = 0; q < 5; q++) {
                    float[] query = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        query[d] = (float) random.nextGaussian();
                    }
                    for (boolean filtered : new boolean[] {false, true}) {
                        Query filter = filtered ? IntPoint.newRangeQuery("bucket", 0, 18) : null;
                        FilteredKnn.Cost cost = new FilteredKnn.Cost();
                        ScoreDoc[] got = FilteredKnn.search(s, "v", query, 500, filter, 0.15, 8, cost);
                        List<Integer> truth = new ArrayList<>();
                        for (int i = 0; i < items.size(); i++) {
                            if (!filtered || i % 20 < 19) {
                                truth.add(i);
                            }
                        }
                        truth.sort((a, b) -> {
                            int c = Float.compare(score(query, items.get(b)), score(query, items.get(a)));
                            return c != 0 ? c : Integer.compare(a, b);
                        });
                        assertArrayEquals(truth.subList(0, 500).stream().mapToInt(Integer::intValue).toArray(),
                                java.util.Arrays.stream(got).mapToInt(d -> d.doc).toArray(), "filtered " + filtered);
                        assertEquals(truth.size(), cost.scanned, "each accepted vector scored once");
                        assertEquals(0, cost.visited, "no graph walk");
                    }
                }
            }
        }
    }

    /**
     * int8 scalar-quantized HNSW: a walk ranks by approximate scores, so it is asked for rescore x k and those hits
     * are scored again with the full-precision vectors; the scores returned are the float ones and recall stays high.
     */
    @Test
    void int8LeavesAreRescoredWithTheFullVectors() throws IOException {
        Random random = new Random(17);
        List<float[]> items = new ArrayList<>();
        try (ByteBuffersDirectory q8 = new ByteBuffersDirectory()) {
            IndexWriterConfig iwc = new IndexWriterConfig().setCodec(new Lucene912Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene99HnswScalarQuantizedVectorsFormat();
                }
            });
            try (IndexWriter w = new IndexWriter(q8, iwc)) {
                for (int i = 0; i < 2000; i++) {
                    float[] v = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    items.add(v);
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
                    w.addDocument(doc);
                }
                w.forceMerge(1);
            }
            try (DirectoryReader r = DirectoryReader.open(q8)) {
                IndexSearcher s = new IndexSearcher(r);
                assertTrue(FilteredKnn.quantized(r.leaves().get(0).reader(), "v"));
                double recall = 0;
                for (int q = 0; q < 10; q++) {
                    float[] query = new float[DIMS];
                    for (int d = 0; d < DIMS; d++) {
                        query[d] = (float) random.nextGaussian();
                    }
                    FilteredKnn.Cost cost = new FilteredKnn.Cost();
                    ScoreDoc[] got = FilteredKnn.search(s, "v", query, 10, (Query) null, 0.15, 8, 3, cost);
                    assertEquals(10, got.length);
                    assertEquals(30, cost.rescored, "the walk was asked for 3 x k, all scored again");
                    for (ScoreDoc d : got) {
                        assertEquals(score(query, items.get(d.doc)), d.score, 1e-5f, "the full-precision score");
                    }
                    List<Integer> ids = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        ids.add(i);
                    }
                    ids.sort((a, b) -> Float.compare(score(query, items.get(b)), score(query, items.get(a))));
                    recall += recall(got, ids.subList(0, 10));
                }
                assertTrue(recall / 10 >= 0.9, "recall@10 " + recall / 10);
            }
        }
    }

    private long deletedIn(int fromSegment, int toSegment) {
        int start = 0;
        for (int i = 0; i < fromSegment; i++) {
            start += SEGMENTS[i];
        }
        int end = start;
        for (int i = fromSegment; i < toSegment; i++) {
            end += SEGMENTS[i];
        }
        int from = start;
        int to = end;
        return deleted.stream().filter(d -> d >= from && d < to).count();
    }

    /** Doc ids (equal to insertion order: no merges) of the k best live vectors in the kept buckets. */
    private List<Integer> exact(float[] q, int k, int keep) {
        float[] scores = new float[vectors.size()];
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            if (!deleted.contains(i) && i % 10 < keep) {
                ids.add(i);
                scores[i] = score(q, vectors.get(i));
            }
        }
        ids.sort((a, b) -> {
            int c = Float.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        return ids.subList(0, Math.min(k, ids.size()));
    }

    private static float score(float[] q, float[] v) {
        return VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT.compare(q, v);
    }

    private static double recall(ScoreDoc[] got, List<Integer> truth) {
        Set<Integer> t = new HashSet<>(truth);
        long hit = java.util.Arrays.stream(got).filter(d -> t.contains(d.doc)).count();
        return truth.isEmpty() ? 1 : hit / (double) truth.size();
    }
}
