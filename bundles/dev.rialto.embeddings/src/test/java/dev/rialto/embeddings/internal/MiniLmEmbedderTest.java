package dev.rialto.embeddings.internal;

import static dev.rialto.embeddings.internal.TestConfigs.config;
import static dev.rialto.embeddings.internal.TestConfigs.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import dev.rialto.api.embeddings.EmbeddingException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class MiniLmEmbedderTest {

    private static final Logger LOG = LoggerFactory.getLogger(MiniLmEmbedderTest.class);
    private static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder(config(256, 8, 1));
    }

    @AfterAll
    static void close() {
        embedder.deactivate();
    }

    @Test
    void describesItself() {
        assertEquals("minilm", embedder.model());
        assertEquals(384, embedder.dimensions());
        assertEquals(Set.of("en"), embedder.languages());
    }

    @Test
    void vectorsHaveUnitLengthAndTheModelsDimension() {
        float[][] v = embedder.embed(List.of("a red cotton t-shirt", "stainless steel saucepan", "", "x"));
        assertEquals(4, v.length);
        for (float[] e : v) {
            assertEquals(384, e.length);
            assertEquals(1.0, Math.sqrt(dot(e, e)), 1e-4);
        }
    }

    @Test
    void similarMeaningIsCloser() {
        float[][] v = embedder.embed(
                List.of("a red cotton t-shirt", "crimson tee made of cotton", "stainless steel saucepan"));
        double near = dot(v[0], v[1]);
        double far = dot(v[0], v[2]);
        LOG.info("minilm cosine: t-shirt~tee {} t-shirt~saucepan {}", near, far);
        assertTrue(near > far + 0.2, "near " + near + " far " + far);
    }

    @Test
    void batchEqualsOneByOne() {
        List<String> texts = List.of("Copper whistling kettle for the stove", "paperback detective novel",
                "wireless noise cancelling headphones with a long battery life and a carrying case", "mug");
        float[][] batch = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] one = embedder.embed(texts.get(i));
            // The models quantise activations dynamically with one scale per tensor: the other rows and the padding
            // of a batch shift values slightly (cosine about 0.99), never the meaning.
            assertTrue(dot(one, batch[i]) > 0.985, "text " + i + " cosine " + dot(one, batch[i]));
        }
    }

    @Test
    void listsLongerThanABatchKeepTheirOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            texts.add(i % 2 == 0 ? "garden hose " + i : "chocolate cake " + i);
        }
        float[][] v = embedder.embed(texts);
        assertEquals(19, v.length);
        assertTrue(dot(v[0], v[18]) > dot(v[0], v[17]), "even texts are about hoses");
        assertTrue(dot(v[1], v[17]) > dot(v[1], v[16]), "odd texts are about cakes");
    }

    @Test
    void longTextsAreTruncated() {
        String words = String.join(" ", Collections.nCopies(1000, "soft warm wool winter scarf"));
        assertEquals(5000, words.split(" ").length);
        String head = String.join(" ", Collections.nCopies(80, "soft warm wool winter scarf"));
        float[] whole = embedder.embed(words);
        assertEquals(384, whole.length);
        assertEquals(1.0, Math.sqrt(dot(whole, whole)), 1e-4);
        // 400 words are already more than 256 tokens: both are cut to the same tokens.
        assertEquals(1.0, dot(whole, embedder.embed(head)), 1e-5);
        MiniLmEmbedder short16 = new MiniLmEmbedder(config(16, 8, 1));
        float[] shorter;
        try {
            shorter = short16.embed(words);
        } finally {
            short16.deactivate();
        }
        assertTrue(dot(whole, shorter) < 0.999, "max.tokens changes the cut: " + dot(whole, shorter));
    }

    @Test
    void identicalTextsInOneBatchGetIdenticalVectors() {
        float[][] v = embedder.embed(List.of("red shirt", "blue shirt", "red shirt"));
        assertEquals(1.0, dot(v[0], v[2]), 1e-6);
        float[][] same = embedder.embed(List.of("red shirt", "red shirt"));
        LOG.info("minilm cosine of 'red shirt' alone vs in a batch with 'blue shirt': {}",
                dot(same[0], v[0]));
    }

    @Test
    void emptyListGivesNoVectorsAndNullIsEmptyText() {
        assertEquals(0, embedder.embed(List.of()).length);
        float[][] v = embedder.embed(java.util.Arrays.asList(null, ""));
        assertEquals(1.0, dot(v[0], v[1]), 1e-4);
    }

    /** The bundle may stop while the index embeds items on its own thread: closing waits, later calls fail cleanly. */
    @Test
    void closingWhileAnotherThreadEmbedsWaitsForItAndLaterCallsFailCleanly() throws Exception {
        MiniLmEmbedder own = new MiniLmEmbedder(config(256, 8, 1));
        List<String> texts = Collections.nCopies(32, "stainless steel saucepan with a glass lid and two handles");
        AtomicInteger batches = new AtomicInteger();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicReference<EmbeddingException> refused = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                while (true) {
                    assertEquals(32, own.embed(texts).length);
                    batches.incrementAndGet();
                }
            } catch (EmbeddingException e) {
                refused.set(e);
            } catch (Throwable t) {
                unexpected.set(t);
            }
        });
        worker.start();
        while (batches.get() == 0 && worker.isAlive()) {
            Thread.sleep(5);
        }
        own.deactivate();
        worker.join(30_000);
        assertTrue(!worker.isAlive(), "the worker stops once the embedder is closed");
        assertEquals(null, unexpected.get());
        assertTrue(refused.get().getMessage().contains("is closed"), refused.get().getMessage());
        EmbeddingException after = assertThrows(EmbeddingException.class, () -> own.embed("a mug"));
        assertTrue(after.getMessage().contains("all-MiniLM-L6-v2") || after.getMessage().contains("is closed"),
                after.getMessage());
        own.deactivate(); // twice is harmless
    }

    @Test
    void nativeLibraryIsUnpackedUnderTheConfiguredFolder() throws Exception {
        try (var files = Files.walk(TestConfigs.NATIVE)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().contains("tokenizers")),
                    "libtokenizers under " + TestConfigs.NATIVE);
        }
    }

    @Test
    void measuresTimePerShortSentence() {
        List<String> sentences = List.of("a red cotton t-shirt", "stainless steel saucepan with lid",
                "vintage leather messenger bag", "organic green tea, 100 bags", "kids' waterproof rain boots");
        for (int i = 0; i < 20; i++) {
            embedder.embed(sentences.get(i % sentences.size()));
        }
        int n = 200;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            embedder.embed(sentences.get(i % sentences.size()));
        }
        double single = (System.nanoTime() - start) / 1e6 / n;
        List<String> many = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            many.add(sentences.get(i % sentences.size()));
        }
        start = System.nanoTime();
        embedder.embed(many);
        double batched = (System.nanoTime() - start) / 1e6 / n;
        LOG.info("minilm, intra-op threads 1: {} ms per short sentence one by one, {} ms batched by 8",
                String.format("%.2f", single), String.format("%.2f", batched));
        assertTrue(single < 100, "one short sentence took " + single + " ms");
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MiniLmEmbedder(config(0, 8, 1)));
        assertTrue(e.getMessage().contains("max.tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MiniLmEmbedder(config(128, 0, 1)));
        assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MiniLmEmbedder(config(128, 8, -1)));
        assertTrue(e.getMessage().contains("intra.op.threads"), e.getMessage());
    }
}
