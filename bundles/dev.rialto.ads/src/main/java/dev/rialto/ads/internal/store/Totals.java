package dev.rialto.ads.internal.store;

/** Counts and spend of a campaign over some period. */
public record Totals(long impressions, long clicks, double spend) {
    public static final Totals ZERO = new Totals(0, 0, 0);

    public Totals plus(Totals other) {
        return new Totals(impressions + other.impressions, clicks + other.clicks, spend + other.spend);
    }
}
