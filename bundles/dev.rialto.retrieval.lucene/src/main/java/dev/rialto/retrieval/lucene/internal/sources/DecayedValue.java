package dev.rialto.retrieval.lucene.internal.sources;

/**
 * A sum of weights that halves every half-life, held as its value at its newest addition: an addition costs
 * O(1) and no periodic sweep is needed.
 */
final class DecayedValue {

    private double value;
    private long atMillis = Long.MIN_VALUE;

    synchronized void add(double weight, long tMillis, double halfLifeMillis) {
        if (atMillis == Long.MIN_VALUE) {
            value = weight;
            atMillis = tMillis;
        } else if (tMillis >= atMillis) {
            value = value * Math.pow(0.5, (tMillis - atMillis) / halfLifeMillis) + weight;
            atMillis = tMillis;
        } else {
            value += weight * Math.pow(0.5, (atMillis - tMillis) / halfLifeMillis);
        }
    }

    /**
     * Takes back a weight added at {@code tMillis} (a forgotten user's event). The value never goes below 0;
     * returns true when nothing is left (within rounding), so the caller may drop the counter.
     */
    synchronized boolean subtract(double weight, long tMillis, double halfLifeMillis) {
        // An event after the newest addition cannot have been added; one before it has decayed since.
        if (atMillis != Long.MIN_VALUE && tMillis <= atMillis) {
            value = Math.max(0, value - weight * Math.pow(0.5, (atMillis - tMillis) / halfLifeMillis));
        }
        return value <= 1e-12;
    }

    /** The value at {@code tMillis}; times before the newest addition give the value at that addition. */
    synchronized double valueAt(long tMillis, double halfLifeMillis) {
        return tMillis <= atMillis ? value : value * Math.pow(0.5, (tMillis - atMillis) / halfLifeMillis);
    }
}
