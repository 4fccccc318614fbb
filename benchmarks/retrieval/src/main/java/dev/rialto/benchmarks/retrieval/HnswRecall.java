package dev.rialto.benchmarks.retrieval;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;

import dev.rialto.retrieval.lucene.internal.index.FilteredKnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;

/**
 * (a) HNSW recall and throughput against exact search on the same filter. Vectors are random but clustered (1,000
 * Gaussian centres, unit length after noise), as text and behaviour embeddings are; queries come from the same
 * distribution. Each document has a bucket 0..99; a filter keeping p% of the items is {@code bucket < p}. Exact
 * search is a brute-force scan of the vectors in one float array, checking the bucket first; HNSW is Lucene's
 * {@link KnnFloatVectorQuery} with the bucket as its pre-filter, asked for {@code max(k, fanout)} neighbours and cut
 * to k. Lucene's default graph (M=16, beam width 100) as in the server. Single thread.
 */
final class HnswRecall {

    private static final int CENTRES = 1000;
    private static final double SERVER_EXACT_SHARE = 0.15;
    private static final int SERVER_OVERSAMPLE_MAX = 8;

    private HnswRecall() {
    }

    static void run(Path work, Map<String, String> p) throws IOException {
        String sets = p.getOrDefault("hnsw.sets", "1000000x64,100000x384");
        int queries = Main.i(p, "hnsw.queries", 200);
        int[] fanouts = ints(p.getOrDefault("hnsw.fanouts", "100,200,400,800"));
        int[] filters = ints(p.getOrDefault("hnsw.filters", "100,50,25,10,5,1"));
        String[] formats = p.getOrDefault("hnsw.formats", "float32").split(",");
        int[] rescores = ints(p.getOrDefault("hnsw.rescore", "1,3,5"));
        for (String set : sets.split(",")) {
            String[] nd = set.strip().split("x");
            for (String format : formats) {
                run(work, Integer.parseInt(nd[0].replace("_", "")), Integer.parseInt(nd[1]), queries, fanouts,
                        filters, format.strip(), rescores);
            }
        }
    }

    /** One timed pass of a search over every query. */
    private interface Search {
        ScoreDoc[] run(float[] query) throws IOException;
    }

    private static void measure(String keep, String label, Search search, float[][] queries, int[][] truth,
            int[] ordOf, double exactQps) throws IOException {
        int nQueries = queries.length;
        // Warm-up on the first queries, then measure all of them.
        for (int q = 0; q < Math.min(20, nQueries); q++) {
            search.run(queries[q]);
        }
        long start = System.nanoTime();
        List<int[]> results = new ArrayList<>(nQueries);
        for (int q = 0; q < nQueries; q++) {
            ScoreDoc[] hits = search.run(queries[q]);
            int[] ords = new int[Math.min(100, hits.length)];
            for (int h = 0; h < ords.length; h++) {
                ords[h] = ordOf[hits[h].doc];
            }
            results.add(ords);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double r10 = 0;
        double r100 = 0;
        for (int q = 0; q < nQueries; q++) {
            r10 += recall(results.get(q), truth[q], 10);
            r100 += recall(results.get(q), truth[q], 100);
        }
        double qps = nQueries / seconds;
        System.out.printf("%-8s %-22s %9.3f %9.3f %10.1f %10.3f %8.1f%n", keep, label, r10 / nQueries,
                r100 / nQueries, qps, 1000 * seconds / nQueries, qps / exactQps);
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].strip());
        }
        return out;
    }

    static void run(Path work, int n, int dims, int nQueries, int[] fanouts, int[] filters, String format,
            int[] rescores) throws IOException {
        if (!format.equals("float32") && !format.equals("int8")) {
            throw new IllegalArgumentException("hnsw.formats: expected float32 or int8, got '" + format + "'");
        }
        System.out.printf("%n== (a) HNSW vs exact: %,d vectors x %d dims, %s HNSW, %d queries ==%n", n, dims, format,
                nQueries);
        Random random = new Random(n * 31L + dims);
        float[][] centres = new float[CENTRES][dims];
        for (float[] c : centres) {
            for (int i = 0; i < dims; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        float[] data = new float[n * dims];
        byte[] bucket = new byte[n];
        for (int i = 0; i < n; i++) {
            point(centres[random.nextInt(CENTRES)], random, data, i * dims, dims);
            bucket[i] = (byte) random.nextInt(100);
        }
        float[][] queries = new float[nQueries][dims];
        for (float[] q : queries) {
            float[] tmp = new float[dims];
            point(centres[random.nextInt(CENTRES)], random, tmp, 0, dims);
            System.arraycopy(tmp, 0, q, 0, dims);
        }
        Path dir = work.resolve("hnsw-" + n + "x" + dims + (format.equals("int8") ? "-int8" : ""));
        long t0 = System.nanoTime();
        boolean built = build(dir, data, bucket, n, dims, format.equals("int8"));
        System.out.printf("index %s in %.1f s%n", built ? "built" : "reused", (System.nanoTime() - t0) / 1e9);

        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
            int[] ordOf = ords(reader);
            System.out.printf("segments: %d%n", reader.leaves().size());
            System.out.printf("%-8s %-22s %9s %9s %10s %10s %8s%n", "filter", "search", "recall@10", "recall@100",
                    "QPS", "mean ms", "x exact");
            for (int keep : filters) {
                int[][] truth = new int[nQueries][];
                long start = System.nanoTime();
                for (int q = 0; q < nQueries; q++) {
                    truth[q] = exact(data, bucket, dims, queries[q], keep, 100);
                }
                double exactSeconds = (System.nanoTime() - start) / 1e9;
                double exactQps = nQueries / exactSeconds;
                System.out.printf("%-8s %-22s %9.3f %9.3f %10.1f %10.3f %8s%n", keep + "%", "exact", 1.0, 1.0,
                        exactQps, 1000 * exactSeconds / nQueries, "1.0");
                Query filter = keep >= 100 ? null : IntPoint.newRangeQuery("bucket", 0, keep - 1);
                String label = keep + "%";
                for (int fanout : fanouts) {
                    int k = Math.max(100, fanout);
                    measure(label, "hnsw ef=" + k, q -> searcher.search(new KnnFloatVectorQuery("v", q, k, filter),
                            k).scoreDocs, queries, truth, ordOf, exactQps);
                }
                // What the server's kNN sources do with this filter (ItemIndex defaults: exact below 15% of the
                // items, else k / share^2 neighbours, at most 8k), asked for k = 100.
                // int8: the server re-scores a walk's rescore x k hits with the full vectors (1 = not at all).
                for (int rescore : format.equals("int8") ? rescores : new int[] {FilteredKnn.DEFAULT_RESCORE}) {
                    FilteredKnn.Cost cost = new FilteredKnn.Cost();
                    String name = format.equals("int8") ? "server k=100 rescore=" + rescore : "server k=100";
                    measure(label, name, q -> FilteredKnn.search(searcher, "v", q, 100, filter,
                            SERVER_EXACT_SHARE, SERVER_OVERSAMPLE_MAX, rescore, cost), queries, truth, ordOf,
                            exactQps);
                    // Vectors the server scored per query (warm-up included): its scans' and its walks' visits.
                    int runs = nQueries + Math.min(20, nQueries);
                    System.out.printf("%-8s %-22s scanned %.0f, visited %.0f, re-scored %.0f vectors per query, %d"
                            + " fallback scans%n", label, "  server cost", cost.scanned / (double) runs,
                            cost.visited / (double) runs, cost.rescored / (double) runs, cost.fallbacks);
                }
            }
        }
    }

    private static void point(float[] centre, Random random, float[] out, int at, int dims) {
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            float x = centre[i] + (float) (0.7 * random.nextGaussian());
            out[at + i] = x;
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            out[at + i] *= inv;
        }
    }

    /** Builds the index unless one with n documents is there; true when it built. */
    private static boolean build(Path dir, float[] data, byte[] bucket, int n, int dims, boolean int8)
            throws IOException {
        if (Files.isDirectory(dir)) {
            try (FSDirectory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
                if (r.numDocs() == n) {
                    return false;
                }
            } catch (IOException e) {
                // Not a complete index: build it again.
            }
        }
        Files.createDirectories(dir);
        IndexWriterConfig iwc = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(1900);
        if (int8) {
            // Lucene's int8 scalar-quantized HNSW (same graph parameters: M=16, beam 100), for latency at equal
            // recall; the full-precision vectors stay on disk for re-scoring.
            iwc.setCodec(new Lucene912Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene99HnswScalarQuantizedVectorsFormat();
                }
            });
        }
        try (FSDirectory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, iwc)) {
            for (int i = 0; i < n; i++) {
                Document doc = new Document();
                float[] v = new float[dims];
                System.arraycopy(data, i * dims, v, 0, dims);
                doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new IntPoint("bucket", bucket[i]));
                doc.add(new NumericDocValuesField("ord", i));
                w.addDocument(doc);
                if ((i + 1) % 200_000 == 0) {
                    System.out.printf("  indexed %,d%n", i + 1);
                }
            }
            w.forceMerge(1);
            w.commit();
        }
        return true;
    }

    private static int[] ords(DirectoryReader reader) throws IOException {
        int[] out = new int[reader.maxDoc()];
        for (LeafReaderContext leaf : reader.leaves()) {
            NumericDocValues v = leaf.reader().getNumericDocValues("ord");
            for (int doc = v.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = v.nextDoc()) {
                out[leaf.docBase + doc] = (int) v.longValue();
            }
        }
        return out;
    }

    /** The k best ordinals by dot product among those whose bucket is below keep, best first. */
    static int[] exact(float[] data, byte[] bucket, int dims, float[] q, int keep, int k) {
        int[] best = new int[k];
        float[] scores = new float[k];
        int size = 0;
        for (int i = 0; i < bucket.length; i++) {
            if (bucket[i] >= keep) {
                continue;
            }
            int at = i * dims;
            float s = 0;
            for (int j = 0; j < dims; j++) {
                s += data[at + j] * q[j];
            }
            if (size < k) {
                int pos = size++;
                while (pos > 0 && scores[pos - 1] < s) {
                    scores[pos] = scores[pos - 1];
                    best[pos] = best[pos - 1];
                    pos--;
                }
                scores[pos] = s;
                best[pos] = i;
            } else if (s > scores[k - 1]) {
                int pos = k - 1;
                while (pos > 0 && scores[pos - 1] < s) {
                    scores[pos] = scores[pos - 1];
                    best[pos] = best[pos - 1];
                    pos--;
                }
                scores[pos] = s;
                best[pos] = i;
            }
        }
        return java.util.Arrays.copyOf(best, size);
    }

    private static double recall(int[] found, int[] truth, int k) {
        int kk = Math.min(k, truth.length);
        if (kk == 0) {
            return 1;
        }
        java.util.Set<Integer> t = new java.util.HashSet<>();
        for (int i = 0; i < kk; i++) {
            t.add(truth[i]);
        }
        int hit = 0;
        for (int i = 0; i < Math.min(kk, found.length); i++) {
            if (t.contains(found[i])) {
                hit++;
            }
        }
        return hit / (double) kk;
    }
}
