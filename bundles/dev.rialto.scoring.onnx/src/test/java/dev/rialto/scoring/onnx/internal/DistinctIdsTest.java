package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistinctIdsTest {

    @Test
    void aListWithoutRepeatsOrNullsIsUsedAsItIs() {
        List<String> ids = List.of("a", "b", "c");
        assertSame(ids, OnnxInterestScorer.distinct(ids));
        assertEquals(List.of(), OnnxInterestScorer.distinct(List.of()));
    }

    @Test
    void repeatsAndNullsAreDroppedKeepingTheFirstOccurrence() {
        assertEquals(List.of("b", "a", "c"), OnnxInterestScorer.distinct(Arrays.asList("b", null, "a", "b", "c", "a")));
        assertEquals(List.of(), OnnxInterestScorer.distinct(Arrays.asList(null, null)));
    }

    @Test
    void agreesWithALinkedHashSetOnRandomLists() {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            int size = random.nextInt(700);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                // Colliding hash codes ("Aa"/"BB") as well as plain repeats.
                ids.add(random.nextInt(50) == 0 ? null : random.nextInt(9) == 0 ? (random.nextBoolean() ? "Aa" : "BB")
                        : "item-" + random.nextInt(size + 1));
            }
            List<String> expected = new ArrayList<>(new LinkedHashSet<>(ids));
            expected.remove(null);
            assertEquals(expected, OnnxInterestScorer.distinct(ids), "round " + round);
        }
    }
}
