package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void aucCountsOrderedPairsAndHalvesTies() {
        assertEquals(1.0, Metrics.auc(new double[] {0.9, 0.8, 0.1}, new boolean[] {true, true, false}), 1e-12);
        assertEquals(0.0, Metrics.auc(new double[] {0.1, 0.9}, new boolean[] {true, false}), 1e-12);
        assertEquals(0.5, Metrics.auc(new double[] {0.5, 0.5}, new boolean[] {true, false}), 1e-12);
        // pairs (p,n): (0.8,0.9) lost, (0.8,0.3) won, (0.4,0.9) lost, (0.4,0.3) won -> 2/4
        assertEquals(0.5, Metrics.auc(new double[] {0.8, 0.4, 0.9, 0.3},
                new boolean[] {true, true, false, false}), 1e-12);
        assertTrue(Double.isNaN(Metrics.auc(new double[] {0.1}, new boolean[] {true})));
    }

    @Test
    void logLossIsCrossEntropyAndStaysFinite() {
        assertEquals(-Math.log(0.8), Metrics.logLoss(new double[] {0.8, 0.2}, new boolean[] {true, false}), 1e-12);
        assertTrue(Double.isFinite(Metrics.logLoss(new double[] {0.0}, new boolean[] {true})));
    }

    @Test
    void hitAndNdcgOfOnePositiveAmongNegatives() {
        SplittableRandom random = new SplittableRandom(1);
        assertArrayEquals(new double[] {1, 1}, Metrics.hitAndNdcg(0.9, new double[] {0.1, 0.2}, 10, random), 1e-12);
        assertArrayEquals(new double[] {1, 1 / (Math.log(4) / Math.log(2))},
                Metrics.hitAndNdcg(0.5, new double[] {0.9, 0.8, 0.1}, 10, random), 1e-12);
        double[] eleven = new double[11];
        java.util.Arrays.fill(eleven, 1.0);
        assertArrayEquals(new double[] {0, 0}, Metrics.hitAndNdcg(0.5, eleven, 10, random), 1e-12);
        // A constant scorer must not look perfect: ties are broken at random.
        double hits = 0;
        double[] hundred = new double[100];
        for (int i = 0; i < 2000; i++) {
            hits += Metrics.hitAndNdcg(0, hundred, 10, random)[0];
        }
        assertEquals(10.0 / 101, hits / 2000, 0.03);
    }
}
