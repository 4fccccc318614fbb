package dev.rialto.retrieval.lucene.internal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.rialto.retrieval.lucene.internal.index.Hit;

/** Comparisons of ranked hits computed two ways that agree up to float rounding. */
public final class Answers {

    private Answers() {
    }

    /**
     * Rank by rank, equal scores (within {@code tolerance}) and the same items, except where two scores all but tie
     * (then either order is right).
     */
    public static void assertSameAnswer(List<Hit> expected, List<Hit> actual, double tolerance, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), tolerance, what + " rank " + i);
            if (!expected.get(i).id().equals(actual.get(i).id())) {
                double gap = Math.abs(expected.get(i).score() - scoreOf(expected, actual.get(i).id()));
                assertTrue(gap < tolerance, what + " rank " + i + ": " + actual.get(i).id() + " for "
                        + expected.get(i).id() + " with a score gap of " + gap);
            }
        }
    }

    private static double scoreOf(List<Hit> hits, String id) {
        for (Hit h : hits) {
            if (h.id().equals(id)) {
                return h.score();
            }
        }
        return Double.NaN;
    }
}
