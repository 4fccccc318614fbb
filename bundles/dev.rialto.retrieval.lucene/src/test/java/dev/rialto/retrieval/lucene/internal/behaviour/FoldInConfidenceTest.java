package dev.rialto.retrieval.lucene.internal.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rialto.api.retrieval.BehaviourFoldIn;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fold-in confidence travels with the vectors: the file keeps it (format 2, format 1 still read), and the
 * behaviour source's fold-in uses it, falling back to its configured {@code 1 + alpha·w} only when a publication
 * does not say.
 */
class FoldInConfidenceTest {
    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dir;

    private static BehaviourVectors vectors(FoldInConfidence confidence) {
        Random random = new Random(5);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            float[] v = new float[4];
            for (int j = 0; j < 4; j++) {
                v[j] = (float) random.nextGaussian();
            }
            items.put("i" + i, v);
        }
        return new BehaviourVectors("behaviour-ials", "7", 4, items, Map.of("u1", new float[] {1, 2, 3, 4}), 0.1, AT,
                confidence);
    }

    @Test
    void theFileKeepsTheConfidenceAndStillReadsFormatOne() throws IOException {
        BehaviourFile file = new BehaviourFile(dir);
        FoldInConfidence log = new FoldInConfidence(FoldInConfidence.Form.LOG1P, 7.5);
        file.write(vectors(log));
        BehaviourVectors read = file.read().orElseThrow();
        assertEquals(log, read.confidence());
        assertArrayEquals(vectors(log).items().get("i3"), read.items().get("i3"));
        file.write(vectors(null));
        assertNull(file.read().orElseThrow().confidence());

        // A file written before the confidence was published (format 1): read, with no confidence.
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file.path()))) {
            out.writeInt(0x52425631);
            out.writeInt(1);
            out.writeUTF("behaviour-ials");
            out.writeUTF("1");
            out.writeInt(2);
            out.writeDouble(0.5);
            out.writeLong(AT.getEpochSecond());
            out.writeInt(0);
            out.writeInt(1);
            out.writeUTF("i0");
            out.writeFloat(1f);
            out.writeFloat(2f);
            out.writeInt(0);
        }
        BehaviourVectors old = file.read().orElseThrow();
        assertNull(old.confidence());
        assertEquals(0.5, old.regularisation());
        assertArrayEquals(new float[] {1f, 2f}, old.items().get("i0"));
    }

    @Test
    void theFoldInUsesThePublishedConfidenceElseTheConfiguredLinearOne() {
        Map<String, Double> weights = Map.of("i1", 5.0, "i4", 1.0, "i9", 0.5, "unknown", 2.0);
        FoldInConfidence log = new FoldInConfidence(FoldInConfidence.Form.LOG1P, 10);
        BehaviourVectors published = vectors(log);
        BehaviourFoldIn solver = new BehaviourFoldIn(published);

        Map<String, Double> logConfidences = new HashMap<>();
        Map<String, Double> linearConfidences = new HashMap<>();
        weights.forEach((id, w) -> {
            logConfidences.put(id, 1 + 10 * Math.log1p(w));
            linearConfidences.put(id, 1 + 3 * w);
        });
        // Published: the configured alpha (3) is not used.
        assertArrayEquals(solver.foldIn(logConfidences), new BehaviourModel(published).foldIn(weights, 3));
        // Not published: 1 + alpha * w with the configured alpha, as before.
        assertArrayEquals(solver.foldIn(linearConfidences), new BehaviourModel(vectors(null)).foldIn(weights, 3));
        assertFalse(Arrays.equals(new BehaviourModel(published).foldIn(weights, 3),
                new BehaviourModel(vectors(null)).foldIn(weights, 3)));
        // Forgetting a user keeps the confidence.
        assertEquals(log, new BehaviourModel(published).withoutUser("u1").vectors().confidence());
    }

    @Test
    void aConfidenceMustBeWellFormed() {
        assertEquals(1 + 2 * Math.log1p(3), new FoldInConfidence(FoldInConfidence.Form.LOG1P, 2).of(3));
        assertEquals(7, new FoldInConfidence(FoldInConfidence.Form.LINEAR, 2).of(3));
        assertThrows(IllegalArgumentException.class, () -> new FoldInConfidence(FoldInConfidence.Form.LOG1P, -1));
        assertThrows(IllegalArgumentException.class,
                () -> new FoldInConfidence(FoldInConfidence.Form.LOG1P, Double.POSITIVE_INFINITY));
        assertThrows(NullPointerException.class, () -> new FoldInConfidence(null, 1));
    }
}
