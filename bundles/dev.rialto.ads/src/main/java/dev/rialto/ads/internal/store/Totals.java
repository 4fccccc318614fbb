package dev.rialto.ads.internal.store;

/** Counts and spend of a campaign over some period. */
public record Totals(long impressions, long clicks, long conversions, double spend) {
    public static final Totals ZERO = new Totals(0, 0, 0, 0);

    public Totals plus(Totals other) {
        return new Totals(impressions + other.impressions, clicks + other.clicks, conversions + other.conversions,
                spend + other.spend);
    }

    /** The totals of one logged delivery. */
    public static Totals of(Delivery d) {
        return new Totals(d.kind() == Delivery.Kind.IMPRESSION ? 1 : 0, d.kind() == Delivery.Kind.CLICK ? 1 : 0,
                d.kind() == Delivery.Kind.CONVERSION ? 1 : 0, d.price());
    }
}
