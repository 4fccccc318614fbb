package dev.rialto.api.ads;

import java.util.Locale;

/** Whether an advertiser, campaign or creative may serve. */
public enum AdStatus {
    ACTIVE, PAUSED, ARCHIVED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static AdStatus parse(String wire) {
        return Wire.parse(AdStatus.class, wire, "status");
    }
}
