package dev.rialto.ads.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The throttle on its own: traffic with a daily curve, a noisy value per delivery. */
class PacerTest {
    static final LocalDate DAY = LocalDate.of(2026, 3, 3);

    /** Runs a day; returns spend per hour. Traffic per minute follows an evening peak. */
    private static double[] day(Pacer pacer, double budget, double perDelivery, double clickRate, long seed) {
        return day(pacer, budget, perDelivery, clickRate, 1, seed);
    }

    /** @param bias how much the expected value of a delivery overstates the true one (pCTR above the true CTR) */
    private static double[] day(Pacer pacer, double budget, double perDelivery, double clickRate, double bias,
            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double spend = 0;
        double value = 0;
        double[] hourly = new double[24];
        for (int minute = 0; minute < 1440; minute++) {
            double curve = 1 + 0.6 * Math.sin(2 * Math.PI * (minute / 1440.0 - 0.375));
            int requests = (int) Math.round(40 * curve);
            for (int i = 0; i < requests; i++) {
                long second = minute * 60L + i * 60L / requests;
                double p = pacer.rate("k", DAY, second, spend, value, budget);
                if (r.nextDouble() >= p || spend >= budget) {
                    continue;
                }
                // Delivered: the expected value is known, the charge is a rare event (a click) or certain (CPM).
                value += perDelivery * clickRate * bias;
                if (r.nextDouble() < clickRate) {
                    double charge = Math.min(perDelivery, budget - spend);
                    spend += charge;
                    hourly[minute / 60] += charge;
                }
            }
        }
        return hourly;
    }

    private static double total(double[] hourly) {
        double t = 0;
        for (double h : hourly) {
            t += h;
        }
        return t;
    }

    @Test
    void aCpmBudgetIsSpentEvenlyThroughTheDailyTrafficCurve() {
        // 57,600 requests a day at 0.002 each could spend 115; the budget is 30.
        double[] hourly = day(new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001), 30, 0.002, 1, 1);
        assertTrue(total(hourly) >= 30 * 0.97 && total(hourly) <= 30 + 1e-9, "spent " + total(hourly));
        for (int h = 0; h < 24; h++) {
            assertEquals(30.0 / 24, hourly[h], 30.0 / 24 * 0.15, "hour " + h);
        }
    }

    @Test
    void aCpcBudgetEndsWithinThreePercentDespiteRareClicks() {
        // 1 click in 50 deliveries at 0.50: clicks are rare, the expected value steers, real spend corrects.
        double[] hourly = day(new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001), 20, 0.5, 0.02, 7);
        assertTrue(total(hourly) >= 20 * 0.97 && total(hourly) <= 20 + 1e-9, "spent " + total(hourly));
    }

    @Test
    void aBudgetOfAFewClicksEndsWithinThreePercentThanksToTheCatchUpWindow() {
        // Four clicks' worth of budget, each click a quarter of it, and a pCTR that overstates the true CTR twofold
        // (the winners of an auction ranked by pCTR are the creatives it overrates). Aiming at exactly the budget by
        // midnight, such a campaign trails its plan all day and often ends a click short; the catch-up hour lets it
        // make the click up.
        int withCatchUp = 0;
        int without = 0;
        for (long seed = 1; seed <= 20; seed++) {
            double spent = total(day(new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001, Duration.ofHours(1)), 2, 0.5,
                    0.02, 2, seed));
            assertTrue(spent <= 2 + 1e-9);
            withCatchUp += spent >= 2 * 0.97 ? 1 : 0;
            without += total(day(new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001), 2, 0.5, 0.02, 2, seed))
                    >= 2 * 0.97 ? 1 : 0;
        }
        assertEquals(20, withCatchUp, "days within 3% with the catch-up window (without: " + without + ")");
        assertTrue(without < withCatchUp, "without the window " + without + " of 20");
    }

    @Test
    void inTheCatchUpWindowACampaignWithBudgetLeftIsNotThrottled() {
        Pacer pacer = new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001, Duration.ofHours(1));
        for (int i = 0; i < 100; i++) {
            pacer.rate("k", DAY, i % 60, 0, 0, 100);
        }
        // Minute 1: the plan spreads the budget left over the slots before the window (1,439 - 60).
        assertEquals((100 - 1.0) / 1379 / (0.05 * 100), pacer.rate("k", DAY, 60, 1.0, 1.0, 100), 1e-12);
        // 23:00: the window opens.
        assertEquals(1, pacer.rate("k", DAY, 23 * 3600, 50, 50, 100), 1e-12);
        assertEquals(1, pacer.rate("k", DAY, 86_399, 99, 99, 100), 1e-12);
        // The next day starts on plan again.
        assertTrue(pacer.rate("k", DAY.plusDays(1), 0, 0, 0, 100) < 1);
    }

    @Test
    void aCatchUpWindowOutsideHalfADayIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001, Duration.ofHours(13)));
        assertTrue(e.getMessage().contains("pacing.catchup.minutes"), e.getMessage());
    }

    @Test
    void untilAFirstDeliveryTheThrottleGrowsByTheFixedStep() {
        Pacer pacer = new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001);
        for (int i = 0; i < 100; i++) {
            assertEquals(0.2, pacer.rate("k", DAY, i % 60, 0, 0, 100), 1e-12);
        }
        assertEquals(0.22, pacer.rate("k", DAY, 60, 0, 0, 100), 1e-12);
        assertEquals(1, pacer.current("unknown"), 1e-12);
    }

    @Test
    void theThrottleIsThePlanOverForecastTrafficTimesValueAndRealSpendMovesThePlan() {
        // Minute 0: 100 opportunities at 0.2 (20 let through) delivered a value of 1.0: 0.05 per opportunity.
        double[] rates = new double[2];
        double[] spends = {1.0, 0.0};
        for (int k = 0; k < 2; k++) {
            Pacer pacer = new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001);
            for (int i = 0; i < 100; i++) {
                pacer.rate("k", DAY, i % 60, 0, 0, 100);
            }
            rates[k] = pacer.rate("k", DAY, 60, spends[k], 1.0, 100);
        }
        // Plan: the budget left over the 1,439 minutes left; forecast 100 opportunities a minute.
        assertEquals((100 - 1.0) / 1439 / (0.05 * 100), rates[0], 1e-12);
        // The same delivery with no real spend (clicks not yet come): behind the plan, so a higher throttle.
        assertEquals(100.0 / 1439 / (0.05 * 100), rates[1], 1e-12);
        assertTrue(rates[1] > rates[0]);
    }

    @Test
    void aNewDayStartsOnPlanFromYesterdaysEstimates() {
        Pacer pacer = new Pacer(Duration.ofMinutes(1), 0.1, 0.2, 0.001);
        for (int i = 0; i < 100; i++) {
            pacer.rate("k", DAY, i % 60, 0, 0, 100);
        }
        pacer.rate("k", DAY, 60, 1.0, 1.0, 100);
        // Next day, first minute: 100 / 1440 planned over 100 opportunities worth 0.05 each when let through.
        assertEquals(100.0 / 1440 / (0.05 * 100), pacer.rate("k", DAY.plusDays(1), 0, 0, 0, 100), 1e-12);
    }
}
