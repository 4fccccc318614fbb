package dev.rialto.api.ads;

import java.util.Locale;

/** What a bid pays for: a thousand impressions, a click, or an action (conversion). */
public enum BidType {
    CPM, CPC, CPA;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BidType parse(String wire) {
        return Wire.parse(BidType.class, wire, "bidType");
    }
}
