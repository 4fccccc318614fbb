package dev.rialto.embeddings.internal;

import static dev.rialto.embeddings.internal.TestConfigs.config;
import static dev.rialto.embeddings.internal.TestConfigs.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class BgeSmallZhEmbedderTest {

    private static final Logger LOG = LoggerFactory.getLogger(BgeSmallZhEmbedderTest.class);
    private static BgeSmallZhEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new BgeSmallZhEmbedder(config(256, 8, 1));
    }

    @AfterAll
    static void close() {
        embedder.deactivate();
    }

    @Test
    void describesItselfAndGivesUnitVectors() {
        assertEquals("bge-small-zh", embedder.model());
        assertEquals(512, embedder.dimensions());
        assertEquals(Set.of("zh"), embedder.languages());
        float[][] v = embedder.embed(List.of("红色纯棉T恤", "不锈钢炒锅"));
        for (float[] e : v) {
            assertEquals(512, e.length);
            assertEquals(1.0, Math.sqrt(dot(e, e)), 1e-4);
        }
    }

    @Test
    void similarMeaningIsCloser() {
        float[][] v = embedder.embed(List.of("红色纯棉T恤", "棉质的红色短袖衫", "不锈钢炒锅"));
        double near = dot(v[0], v[1]);
        double far = dot(v[0], v[2]);
        LOG.info("bge-small-zh cosine: T恤~短袖衫 {} T恤~炒锅 {}", near, far);
        assertTrue(near > far + 0.1, "near " + near + " far " + far);
    }

    @Test
    void batchEqualsOneByOne() {
        List<String> texts = List.of("红色纯棉T恤", "不锈钢炒锅", "适合冬天的羊毛围巾，柔软又保暖", "茶");
        float[][] batch = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] one = embedder.embed(texts.get(i));
            // Dynamic quantisation, one scale per tensor: see MiniLmEmbedderTest.
            assertTrue(dot(one, batch[i]) > 0.985, "text " + i + " cosine " + dot(one, batch[i]));
        }
    }

    @Test
    void longTextsAreTruncated() {
        String text = String.join("", Collections.nCopies(5000, "围巾"));
        float[] v = embedder.embed(text);
        assertEquals(512, v.length);
        assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-4);
        assertEquals(0, embedder.embed(List.of()).length);
    }

    @Test
    void measuresTimePerShortSentence() {
        List<String> sentences = List.of("红色纯棉T恤", "带盖不锈钢炒锅", "复古皮革邮差包", "有机绿茶一百袋", "儿童防水雨靴");
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
        LOG.info("bge-small-zh, intra-op threads 1: {} ms per short sentence one by one, {} ms batched by 8",
                String.format("%.2f", single), String.format("%.2f", batched));
        assertTrue(single < 100, "one short sentence took " + single + " ms");
    }
}
