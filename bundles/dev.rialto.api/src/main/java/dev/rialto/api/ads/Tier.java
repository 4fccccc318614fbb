package dev.rialto.api.ads;

import java.util.Locale;

/**
 * Priority tiers, highest first: a request is filled from the highest tier that has an eligible creative.
 * {@code OVERRIDE} (sponsorships) and {@code CONTRACT} (guaranteed deals) pay their fixed bid; {@code AUCTION}
 * ranks by eCPM and pays the generalised second price; {@code REMNANT} (house ads, filler) pays its fixed bid.
 */
public enum Tier {
    OVERRIDE, CONTRACT, AUCTION, REMNANT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Tier parse(String wire) {
        return Wire.parse(Tier.class, wire, "tier");
    }
}
