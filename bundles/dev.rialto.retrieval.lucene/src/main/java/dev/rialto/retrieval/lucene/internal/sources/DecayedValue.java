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

    /** The value at {@code tMillis}; times before the newest addition give the value at that addition. */
    synchronized double valueAt(long tMillis, double halfLifeMillis) {
        return tMillis <= atMillis ? value : value * Math.pow(0.5, (tMillis - atMillis) / halfLifeMillis);
    }
}
