package dev.rialto.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rialto.api.retrieval.BehaviourFoldIn;
import dev.rialto.api.retrieval.BehaviourVectors;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BehaviourFoldInTest {

    /** Orthonormal item vectors: the normal equations decouple, so each coordinate has a closed form. */
    @Test
    void solvesTheNormalEquationsAndIgnoresWhatCannotCount() {
        BehaviourVectors v = new BehaviourVectors("ials", "1", 2,
                Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}), Map.of(), 0.5, Instant.EPOCH);
        BehaviourFoldIn fold = new BehaviourFoldIn(v);
        Map<String, Double> c = new LinkedHashMap<>();
        c.put("a", 3.0);
        c.put("unknown", 5.0);
        c.put("b", Double.NaN);
        float[] x = fold.foldIn(c);
        // x_a = c / (1 + (c - 1) + lambda) = 3 / 3.5; b has no valid confidence: (1 + lambda) x_b = 0
        assertArrayEquals(new float[] {(float) (3 / (3.5 + 1e-9)), 0f}, x, 1e-6f);
        c.put("b", 2.0);
        assertEquals((float) (2 / 2.5), fold.foldIn(c)[1], 1e-6f);
        assertNull(fold.foldIn(Map.of("unknown", 2.0)));
        assertNull(fold.foldIn(Map.of("a", 0.5)), "a confidence below 1 does not count");
    }
}
