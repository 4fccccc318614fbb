package dev.rialto.campaigns.internal;

/** Conversion-rate comparison of an arm with the holdout: absolute and relative uplift, two-proportion z-test. */
final class Uplift {
    private Uplift() {
    }

    static double rate(long converted, long n) {
        return n == 0 ? 0 : (double) converted / n;
    }

    /** Two-sided p-value of H0: both rates equal (pooled two-proportion z-test); NaN when undefined. */
    static double pValue(long c1, long n1, long c2, long n2) {
        if (n1 == 0 || n2 == 0) {
            return Double.NaN;
        }
        double p = (double) (c1 + c2) / (n1 + n2);
        double se = Math.sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) {
            return Double.NaN;
        }
        double z = Math.abs(rate(c1, n1) - rate(c2, n2)) / se;
        return 2 * (1 - phi(z));
    }

    /** Standard normal CDF (Zelen and Severo 26.2.17, error below 7.5e-8). */
    static double phi(double z) {
        double t = 1 / (1 + 0.2316419 * Math.abs(z));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        double tail = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * poly;
        return z >= 0 ? 1 - tail : tail;
    }
}
