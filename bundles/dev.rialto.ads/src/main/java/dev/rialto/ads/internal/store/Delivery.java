package dev.rialto.ads.internal.store;

import java.time.Instant;
import java.util.Locale;

/**
 * One row of the delivery log: an impression, click or attributed conversion of a decision's creative, with what it
 * cost.
 */
public record Delivery(String id, Kind kind, String decisionId, String campaignId, String creativeId, String slotId,
        String userId, String sessionId, double price, Instant at) {

    public enum Kind {
        IMPRESSION, CLICK, CONVERSION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
