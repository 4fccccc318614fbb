package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.rialto.api.embeddings.TextEmbedder;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.ops4j.pax.exam.util.Filter;

/** Text embeddings inside Karaf: ONNX Runtime and DJL's tokenizer load their native libraries here. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class EmbeddingsIT {

    @Inject
    @Filter(value = "(rialto.provider=minilm)", timeout = 60_000)
    private TextEmbedder english;
    @Inject
    @Filter(value = "(rialto.provider=bge-small-zh)", timeout = 60_000)
    private TextEmbedder chinese;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void englishAndChineseTextsAreEmbeddedByMeaning() {
        float[][] en = english.embed(List.of("a red cotton t-shirt", "crimson tee made of cotton",
                "stainless steel saucepan"));
        assertEquals(384, en[0].length);
        assertEquals(1.0, dot(en[0], en[0]), 1e-3);
        assertTrue(dot(en[0], en[1]) > dot(en[0], en[2]) + 0.2);

        float[][] zh = chinese.embed(List.of("红色纯棉T恤", "棉质的红色短袖衫", "不锈钢炒锅"));
        assertEquals(512, zh[0].length);
        assertTrue(dot(zh[0], zh[1]) > dot(zh[0], zh[2]) + 0.2);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
