package dev.rialto.ads.internal.engine;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The engine's configuration, checked.
 *
 * @param consentUnknownAllows whether personal targeting may use a user whose ads consent is unknown
 * @param userZone             the time zone of local-time rules when a request names none
 * @param pacingZone           the time zone of the pacing day (daily budgets)
 * @param exploration          the share of auction decisions that pick an eligible creative at random, in [0, 1]
 * @param cpaConversionRate    expected actions per click, to rank CPA bids (eCPM = bid x pCTR x rate x 1000)
 * @param historyLimit         how many of the user's recent events behaviour rules read
 * @param decisionTtl          how long a decision accepts its impression and click
 * @param pacingSlot           the pacing slot length
 * @param pacingAdjust         the multiplicative step of the throttle
 * @param pacingInitialRate    the throttle at the start of a day
 * @param pacingMinRate        the lowest throttle
 * @param ctrPriorMean         the prior click-through rate
 * @param ctrPriorStrength     its weight, in impressions
 */
public record Settings(boolean consentUnknownAllows, ZoneId userZone, ZoneId pacingZone, double exploration,
        double cpaConversionRate, int historyLimit, Duration decisionTtl, Duration pacingSlot, double pacingAdjust,
        double pacingInitialRate, double pacingMinRate, double ctrPriorMean, double ctrPriorStrength) {

    public Settings {
        // 1 picks at random within the auction tier every time: the simulation's baseline.
        if (!(exploration >= 0 && exploration <= 1)) {
            throw new IllegalArgumentException("exploration.share must be between 0 and 1, was " + exploration);
        }
        if (!(cpaConversionRate > 0 && cpaConversionRate <= 1)) {
            throw new IllegalArgumentException("cpa.conversion.rate must be in (0, 1], was " + cpaConversionRate);
        }
        if (historyLimit < 0 || historyLimit > 10_000) {
            throw new IllegalArgumentException("history.limit must be between 0 and 10000, was " + historyLimit);
        }
        if (decisionTtl.isNegative() || decisionTtl.isZero()) {
            throw new IllegalArgumentException("decision.ttl.minutes must be positive");
        }
    }

    public static Settings defaults() {
        return new Settings(false, ZoneId.of("UTC"), ZoneId.of("UTC"), 0.02, 0.05, 200, Duration.ofHours(1),
                Duration.ofMinutes(1), 0.1, 0.2, 0.001, 0.01, 200);
    }
}
