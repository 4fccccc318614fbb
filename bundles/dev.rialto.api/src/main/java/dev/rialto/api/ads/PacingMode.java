package dev.rialto.api.ads;

import java.util.Locale;

/** {@code EVEN} spreads the daily budget over the day (adaptive throttling); {@code ASAP} spends as traffic comes. */
public enum PacingMode {
    EVEN, ASAP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PacingMode parse(String wire) {
        return Wire.parse(PacingMode.class, wire, "pacing");
    }
}
