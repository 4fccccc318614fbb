package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

/**
 * A graph walk scored from the heap copy is Lucene's walk: for every segment, query, k and filter, the same
 * documents with the same scores and the same number of visited nodes as {@code LeafReader.searchNearestVectors},
 * on a dense dot-product field and on a sparse maximum-inner-product field (documents without vectors, deletions);
 * the index's filtered kNN answers the same with and without the copies; the copies keep to their budget, leave
 * int8 fields to Lucene and give their memory back when their segment is merged away.
 */
class HeapVectorsTest {

    private static final int DIMS = 24;
    private static final int[] SEGMENTS = {2500, 900, 60, 3};

    /** Builds segments of the given sizes (no merges): field "dot" on every document, "mip" on two in three. */
    private static ByteBuffersDirectory index(Random random, boolean int8, int... segments) throws IOException {
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        IndexWriterConfig iwc = new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE);
        if (int8) {
            KnnVectorsFormat quantized = new Lucene99HnswScalarQuantizedVectorsFormat();
            iwc.setCodec(new Lucene912Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return "dot".equals(field) ? quantized : super.getKnnVectorsFormatForField(field);
                }
            });
        }
        try (IndexWriter w = new IndexWriter(dir, iwc)) {
            int id = 0;
            for (int size : segments) {
                for (int i = 0; i < size; i++, id++) {
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("dot", unit(random), VectorSimilarityFunction.DOT_PRODUCT));
                    if (id % 3 != 1) {
                        doc.add(new KnnFloatVectorField("mip", gaussian(random),
                                VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
                    }
                    doc.add(new StringField("id", Integer.toString(id), Field.Store.NO));
                    w.addDocument(doc);
                }
                w.flush();
            }
            for (int d = 0; d < id; d += 17) {
                w.deleteDocuments(new Term("id", Integer.toString(d)));
            }
            w.commit();
        }
        return dir;
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] unit(Random random) {
        return VectorUtil.l2normalize(gaussian(random));
    }

    @Test
    void aWalkFromTheHeapIsLucenesWalk() throws IOException {
        Random random = new Random(11);
        try (ByteBuffersDirectory dir = index(random, false, SEGMENTS);
                DirectoryReader reader = DirectoryReader.open(dir)) {
            int compared = 0;
            for (LeafReaderContext c : reader.leaves()) {
                LeafReader leaf = c.reader();
                for (String field : new String[] {"dot", "mip"}) {
                    HeapVectors heap = HeapVectors.copy(leaf, field, Long.MAX_VALUE);
                    assertNotNull(heap, field);
                    assertEquals(leaf.getFloatVectorValues(field).size(), heap.size());
                    FixedBitSet some = new FixedBitSet(leaf.maxDoc());
                    for (int d = 0; d < leaf.maxDoc(); d++) {
                        if (random.nextInt(10) < 4 && (leaf.getLiveDocs() == null || leaf.getLiveDocs().get(d))) {
                            some.set(d);
                        }
                    }
                    for (Bits accept : new Bits[] {null, leaf.getLiveDocs(), some}) {
                        for (int k : new int[] {1, 10, 100}) {
                            for (int q = 0; q < 15; q++) {
                                float[] query = "dot".equals(field) ? unit(random) : gaussian(random);
                                TopKnnCollector lucene = new TopKnnCollector(k, Integer.MAX_VALUE);
                                leaf.searchNearestVectors(field, query, lucene, accept);
                                TopKnnCollector mine = new TopKnnCollector(k, Integer.MAX_VALUE);
                                heap.search(query, mine, accept);
                                assertSame(lucene.topDocs(), mine.topDocs());
                                assertEquals(lucene.visitedCount(), mine.visitedCount());
                                compared++;
                            }
                        }
                    }
                }
            }
            assertEquals(SEGMENTS.length * 2 * 3 * 3 * 15, compared);
        }
    }

    @Test
    void pairedAndFourWayDotProductsAreLucenesBitForBit() {
        assertTrue(HeapVectors.paired(), "Lucene's scalar dot product on this JVM: the paired path is the one tested");
        Random random = new Random(3);
        float[] two = new float[2];
        for (int dims : new int[] {2, 24, 33, 64, 384, 385}) {
            for (int t = 0; t < 200; t++) {
                float[] q = gaussian(random, dims);
                float[] a = gaussian(random, dims);
                float[] b = gaussian(random, dims);
                HeapVectors.dots(q, a, b, two);
                assertEquals(Float.floatToIntBits(VectorUtil.dotProduct(q, a)), Float.floatToIntBits(two[0]));
                assertEquals(Float.floatToIntBits(VectorUtil.dotProduct(q, b)), Float.floatToIntBits(two[1]));
                float[] c = gaussian(random, dims);
                float[] d = gaussian(random, dims);
                float[] four = new float[4];
                HeapVectors.dots(q, a, b, c, d, four);
                float[][] each = {a, b, c, d};
                for (int j = 0; j < 4; j++) {
                    assertEquals(Float.floatToIntBits(VectorUtil.dotProduct(q, each[j])),
                            Float.floatToIntBits(four[j]));
                }
            }
        }
    }

    private static float[] gaussian(Random random, int dims) {
        float[] v = new float[dims];
        for (int d = 0; d < dims; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void assertSame(TopDocs expected, TopDocs actual) {
        assertEquals(expected.scoreDocs.length, actual.scoreDocs.length);
        for (int i = 0; i < expected.scoreDocs.length; i++) {
            assertEquals(expected.scoreDocs[i].doc, actual.scoreDocs[i].doc, "rank " + i);
            assertEquals(expected.scoreDocs[i].score, actual.scoreDocs[i].score, 0f, "rank " + i);
        }
    }

    @Test
    void theFilteredKnnAnswersAsWithoutCopies() throws IOException {
        Random random = new Random(12);
        try (ByteBuffersDirectory dir = index(random, false, SEGMENTS);
                DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            HeapVectorCache heap = new HeapVectorCache(Long.MAX_VALUE);
            heap.warm(reader);
            assertEquals(SEGMENTS.length * 2, heap.builds());
            FixedBitSet[] half = new FixedBitSet[reader.leaves().size()];
            for (LeafReaderContext c : reader.leaves()) {
                FixedBitSet b = new FixedBitSet(c.reader().maxDoc());
                for (int d = 0; d < b.length(); d++) {
                    if (d % 2 == 0 && (c.reader().getLiveDocs() == null || c.reader().getLiveDocs().get(d))) {
                        b.set(d);
                    }
                }
                half[c.ord] = b;
            }
            long walked = 0;
            for (String field : new String[] {"dot", "mip"}) {
                for (FixedBitSet[] accepted : new FixedBitSet[][] {null, half}) {
                    for (int k : new int[] {10, 100, 500}) {
                        for (int q = 0; q < 20; q++) {
                            float[] query = "dot".equals(field) ? unit(random) : gaussian(random);
                            FilteredKnn.Cost without = new FilteredKnn.Cost();
                            ScoreDoc[] expected = FilteredKnn.search(searcher, field, query, k, accepted, 0.15, 8, 1,
                                    without, null);
                            FilteredKnn.Cost with = new FilteredKnn.Cost();
                            ScoreDoc[] actual = FilteredKnn.search(searcher, field, query, k, accepted, 0.15, 8, 1,
                                    with, heap);
                            assertEquals(expected.length, actual.length);
                            for (int i = 0; i < expected.length; i++) {
                                assertEquals(expected[i].doc, actual[i].doc);
                                assertEquals(expected[i].score, actual[i].score, 0f);
                            }
                            assertEquals(without.visited, with.visited);
                            walked += with.visited;
                        }
                    }
                }
            }
            assertTrue(walked > 0, "the graph walks were compared, not only scans");
        }
    }

    @Test
    void copiesKeepToTheBudgetAndAreReleasedWithTheirSegment() throws IOException {
        Random random = new Random(13);
        try (ByteBuffersDirectory dir = index(random, false, SEGMENTS)) {
            long largest = HeapVectors.bytes(SEGMENTS[0], DIMS);
            // Room for everything but the largest segment's copies.
            HeapVectorCache heap = new HeapVectorCache(largest);
            DirectoryReader reader = DirectoryReader.open(dir);
            heap.warm(reader);
            LeafReader big = reader.leaves().stream().map(LeafReaderContext::reader)
                    .filter(r -> r.maxDoc() == SEGMENTS[0]).findFirst().orElseThrow();
            // Largest first: its "dot" fits, then its "mip" (two thirds of its documents) does not.
            assertNotNull(heap.get(big, "dot"));
            assertNull(heap.get(big, "mip"), "does not fit");
            int kept = 0;
            for (LeafReaderContext c : reader.leaves()) {
                if (c.reader() != big) {
                    kept += heap.get(c.reader(), "dot") == null ? 0 : 1;
                }
            }
            assertTrue(kept < SEGMENTS.length - 1, "the budget stopped some copies");
            assertTrue(heap.bytes() > 0 && heap.bytes() <= largest, "bytes " + heap.bytes());

            // Merged into one segment: the old segments' copies go when their cores close.
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
                w.forceMerge(1);
            }
            DirectoryReader merged = DirectoryReader.openIfChanged(reader);
            assertNotNull(merged);
            reader.close();
            assertEquals(0, heap.bytes());
            heap.budget(Long.MAX_VALUE);
            heap.warm(merged);
            LeafReader one = merged.leaves().get(0).reader();
            assertNotNull(heap.get(one, "mip"));
            assertNotNull(heap.get(one, "dot"));
            heap.budget(0);
            assertNull(heap.get(one, "mip"), "off");
            assertEquals(0, heap.bytes());
            merged.close();
        }
    }

    @Test
    void int8FieldsAreLeftToLucene() throws IOException {
        Random random = new Random(14);
        try (ByteBuffersDirectory dir = index(random, true, 300); DirectoryReader reader = DirectoryReader.open(dir)) {
            HeapVectorCache heap = new HeapVectorCache(Long.MAX_VALUE);
            heap.warm(reader);
            LeafReader leaf = reader.leaves().get(0).reader();
            assertNull(heap.get(leaf, "dot"), "int8: Lucene's");
            assertNotNull(heap.get(leaf, "mip"));
            assertEquals(1, heap.builds());
        }
    }
}
