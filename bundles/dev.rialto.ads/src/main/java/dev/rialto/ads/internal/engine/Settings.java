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
 * @param cpaConversionRate    prior conversions per click, for pCVR until a campaign has its own history
 * @param historyLimit         how many of the user's recent events behaviour rules read
 * @param decisionTtl          how long a decision accepts its impression and click
 * @param pacingSlot           the pacing slot length
 * @param pacingAdjust         the multiplicative step of the throttle
 * @param pacingInitialRate    the throttle at the start of a day
 * @param pacingMinRate        the lowest throttle
 * @param ctrPriorMean         the prior click-through rate
 * @param ctrPriorStrength     its weight, in impressions
 * @param clickWindow          how long after a click a purchase is attributed to it (CPA)
 * @param viewWindow           how long after an impression a purchase without a click in its window is attributed
 *                             to it; zero turns view-through attribution off
 * @param cvrPriorStrength     the weight, in clicks, of {@code cpaConversionRate} as the prior of a campaign's
 *                             smoothed conversion rate (pCVR)
 * @param pacingCatchUp        the window before the end of the pacing day in which a campaign with daily budget
 *                             left is not throttled
 */
public record Settings(boolean consentUnknownAllows, ZoneId userZone, ZoneId pacingZone, double exploration,
        double cpaConversionRate, int historyLimit, Duration decisionTtl, Duration pacingSlot, double pacingAdjust,
        double pacingInitialRate, double pacingMinRate, double ctrPriorMean, double ctrPriorStrength,
        Duration clickWindow, Duration viewWindow, double cvrPriorStrength, Duration pacingCatchUp) {

    /** The default catch-up window of pacing. */
    public static final Duration DEFAULT_CATCH_UP = Duration.ofMinutes(60);

    /** The settings with the default pacing catch-up window. */
    public Settings(boolean consentUnknownAllows, ZoneId userZone, ZoneId pacingZone, double exploration,
            double cpaConversionRate, int historyLimit, Duration decisionTtl, Duration pacingSlot, double pacingAdjust,
            double pacingInitialRate, double pacingMinRate, double ctrPriorMean, double ctrPriorStrength,
            Duration clickWindow, Duration viewWindow, double cvrPriorStrength) {
        this(consentUnknownAllows, userZone, pacingZone, exploration, cpaConversionRate, historyLimit, decisionTtl,
                pacingSlot, pacingAdjust, pacingInitialRate, pacingMinRate, ctrPriorMean, ctrPriorStrength,
                clickWindow, viewWindow, cvrPriorStrength, DEFAULT_CATCH_UP);
    }

    /** The settings with the default attribution (7 days after a click, 1 day after an impression). */
    public Settings(boolean consentUnknownAllows, ZoneId userZone, ZoneId pacingZone, double exploration,
            double cpaConversionRate, int historyLimit, Duration decisionTtl, Duration pacingSlot, double pacingAdjust,
            double pacingInitialRate, double pacingMinRate, double ctrPriorMean, double ctrPriorStrength) {
        this(consentUnknownAllows, userZone, pacingZone, exploration, cpaConversionRate, historyLimit, decisionTtl,
                pacingSlot, pacingAdjust, pacingInitialRate, pacingMinRate, ctrPriorMean, ctrPriorStrength,
                Duration.ofDays(7), Duration.ofDays(1), 100);
    }

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
        if (clickWindow.isNegative() || clickWindow.isZero()) {
            throw new IllegalArgumentException("attribution.click.hours must be positive");
        }
        if (viewWindow.isNegative()) {
            throw new IllegalArgumentException("attribution.view.hours must not be negative");
        }
        if (pacingCatchUp == null || pacingCatchUp.isNegative() || pacingCatchUp.toMinutes() > 720) {
            throw new IllegalArgumentException("pacing.catchup.minutes must be between 0 and 720, was "
                    + (pacingCatchUp == null ? null : pacingCatchUp.toMinutes()));
        }
        if (!(cvrPriorStrength > 0)) {
            throw new IllegalArgumentException("cvr.prior.strength must be positive, was " + cvrPriorStrength);
        }
    }

    public static Settings defaults() {
        return new Settings(false, ZoneId.of("UTC"), ZoneId.of("UTC"), 0.02, 0.05, 200, Duration.ofHours(1),
                Duration.ofMinutes(1), 0.1, 0.2, 0.001, 0.01, 200);
    }
}
