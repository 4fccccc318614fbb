package dev.rialto.api.campaigns;

import java.util.Locale;

/** What a campaign step does for each profile of the audience, in the order the steps are listed. */
public enum StepType {
    /**
     * Recommended items: parameters {@code n} (default 4), {@code category} (prefix filter), {@code excludePurchased},
     * {@code sources} (candidate source names separated by commas; default every source), {@code candidates} (how
     * many candidates each source contributes at most; default 0, the recommender's configured quotas).
     */
    RECOMMEND,
    /** An ad decision for a slot: parameter {@code slot} (required). */
    DECIDE_AD,
    /** Generated copy: parameters {@code kind} (required), {@code provider}, {@code locale}, {@code tone}. */
    GENERATE,
    /** Delivery of what the earlier steps produced: parameter {@code channel} (required). */
    DELIVER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepType parse(String wire) {
        if (wire == null || wire.isBlank()) {
            throw new IllegalArgumentException("type must not be blank");
        }
        String normal = wire.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (normal.equals("AD") || normal.equals("DECIDE")) {
            return DECIDE_AD;
        }
        try {
            return valueOf(normal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("type '" + wire + "' is not one of recommend, decide_ad, generate,"
                    + " deliver");
        }
    }
}
