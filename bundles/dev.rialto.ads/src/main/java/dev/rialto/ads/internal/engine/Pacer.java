package dev.rialto.ads.internal.engine;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adaptive probabilistic throttling (after Agarwal, Ghosh, Wei, Yu: "Budget pacing for targeted online
 * advertisements at LinkedIn", KDD 2014). Each campaign with a daily budget takes part in a request with
 * probability {@code p}, its throttle. The day is cut into slots; at the end of each slot, with feedback on what
 * was really spent:
 * <ul>
 * <li>the <b>plan</b> for the next slot is what is left of the daily budget spread evenly over the slots left, so a
 * campaign behind or ahead of its plan makes up for it over the rest of the day;</li>
 * <li>the <b>traffic forecast</b> is the campaign's opportunities (requests that reached pacing) per slot, smoothed
 * over recent slots;</li>
 * <li>the <b>value of an opportunity</b> is the delivery value per opportunity let through, smoothed over recent
 * slots. Delivery value is the expected charge at the impression (CPM price; CPC price x pCTR; CPA price x pCTR x
 * pCVR), because clicks and actions are too rare per slot to steer by; the plan uses the real spend, which
 * corrects any bias in that expectation;</li>
 * <li>{@code p = plan / (forecast x value)}, within [min rate, 1]. Until a first value is seen the throttle grows by
 * the fixed step {@code 1 + adjust} per slot, the paper's multiplicative update.</li>
 * </ul>
 * The plan is even in time; a campaign whose eligible traffic cannot carry it runs at {@code p = 1}.
 * <p>
 * <b>Catch-up window.</b> The plan spreads the budget over the day up to a catch-up window before its end; in that
 * window a campaign with budget left runs unthrottled. Spend is capped at the budget but may fall short of it, so a
 * plan that aims at exactly the budget by midnight ends short whenever the last hours deliver less than expected:
 * clicks and conversions arrive in lumps of a whole price, and a throttle learnt on the last half hour lags
 * falling evening traffic. The window turns those shortfalls into spend (the simulation showed every campaign that
 * ended short had ample unthrottled demand, and throttles near 0.01 in the last hours). The price is evenness in
 * the last hour: a campaign on plan has spent its budget when the window opens.
 */
public final class Pacer {

    /** How many slots the value and traffic estimates remember (exponential smoothing, in slots). */
    static final double MEMORY_SECONDS = 1800;

    /** One campaign's throttle; guarded by itself. */
    static final class State {
        LocalDate day;
        long slot = -1;
        double rate;
        double spendAtSlotStart;
        double valueAtSlotStart;
        long opportunities;
        double exposure;
        // Smoothed sums: value delivered and exposure (opportunities x rate); opportunities per slot.
        double valueSum;
        double exposureSum;
        double traffic = -1;
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final long slotSeconds;
    private final long slotsPerDay;
    private final double adjust;
    private final double initialRate;
    private final double minRate;
    private final double decay;
    private final long catchUpSlots;

    /** Without a catch-up window: the plan runs to the end of the day. */
    public Pacer(Duration slot, double adjust, double initialRate, double minRate) {
        this(slot, adjust, initialRate, minRate, Duration.ZERO);
    }

    /** @param catchUp the window before the end of the day in which a campaign with budget left is not throttled */
    public Pacer(Duration slot, double adjust, double initialRate, double minRate, Duration catchUp) {
        this.slotSeconds = slot.toSeconds();
        if (slotSeconds < 1 || 86_400 % slotSeconds != 0) {
            throw new IllegalArgumentException("pacing.slot.seconds must divide a day (86400), was " + slotSeconds);
        }
        this.slotsPerDay = 86_400 / slotSeconds;
        if (!(adjust > 0 && adjust < 1)) {
            throw new IllegalArgumentException("pacing.adjust must be between 0 and 1 exclusive, was " + adjust);
        }
        if (!(initialRate > 0 && initialRate <= 1)) {
            throw new IllegalArgumentException("pacing.initial.rate must be in (0, 1], was " + initialRate);
        }
        if (!(minRate > 0 && minRate <= initialRate)) {
            throw new IllegalArgumentException("pacing.min.rate must be in (0, pacing.initial.rate], was " + minRate);
        }
        this.adjust = adjust;
        this.initialRate = initialRate;
        this.minRate = minRate;
        this.decay = Math.exp(-slotSeconds / MEMORY_SECONDS);
        if (catchUp.isNegative() || catchUp.toSeconds() > 43_200) {
            throw new IllegalArgumentException("pacing.catchup.minutes must be between 0 and 720, was "
                    + catchUp.toMinutes());
        }
        this.catchUpSlots = catchUp.toSeconds() / slotSeconds;
    }

    /** Slots left to spread the plan over, after this one; 0 in the catch-up window. */
    private long planSlots(long slot) {
        return Math.max(0, slotsPerDay - slot - catchUpSlots);
    }

    /**
     * The pass-through rate for one opportunity now, after the updates for the slots that ended since the last
     * call. Counts the opportunity for the traffic forecast.
     *
     * @param secondOfDay seconds since the start of the pacing day
     * @param todaySpend  the campaign's real spend so far today
     * @param todayValue  its delivery value so far today (expected charges, see the class comment)
     * @param dailyBudget its daily budget
     */
    public double rate(String campaign, LocalDate day, long secondOfDay, double todaySpend, double todayValue,
            double dailyBudget) {
        State s = states.computeIfAbsent(campaign, k -> new State());
        long slot = Math.min(slotsPerDay - 1, secondOfDay / slotSeconds);
        synchronized (s) {
            if (!day.equals(s.day)) {
                // A new day: the estimates carry over (same campaign, similar market), so the day starts on plan
                // rather than at the previous evening's catch-up rate.
                s.day = day;
                s.rate = planSlots(slot) == 0 ? 1
                        : s.exposureSum > 0 && s.valueSum > 0 && s.traffic > 0
                        ? clamp(Math.max(0, dailyBudget - todaySpend) / planSlots(slot)
                                / (s.valueSum / s.exposureSum * s.traffic))
                        : initialRate;
                startSlot(s, slot, todaySpend, todayValue);
            } else if (slot > s.slot) {
                update(s, slot, todaySpend, todayValue, dailyBudget);
            }
            s.opportunities++;
            s.exposure += s.rate;
            return s.rate;
        }
    }

    private void update(State s, long slot, double todaySpend, double todayValue, double dailyBudget) {
        long elapsed = slot - s.slot;
        double value = Math.max(0, todayValue - s.valueAtSlotStart);
        double fade = Math.pow(decay, elapsed);
        s.valueSum = s.valueSum * fade + value;
        s.exposureSum = s.exposureSum * fade + s.exposure;
        // Slots without an opportunity count as empty traffic.
        double perSlot = (double) s.opportunities / elapsed;
        s.traffic = s.traffic < 0 ? perSlot : s.traffic * fade + perSlot * (1 - fade);
        double remaining = Math.max(0, dailyBudget - todaySpend);
        long planSlots = planSlots(slot);
        double plan = planSlots == 0 ? 0 : remaining / planSlots;
        if (planSlots == 0) {
            // The catch-up window: whatever is left may be spent; the budget rule and the charge cap stop it.
            s.rate = 1;
        } else if (s.valueSum > 0 && s.exposureSum > 0 && s.traffic > 0) {
            double perOpportunity = s.valueSum / s.exposureSum;
            s.rate = clamp(plan / (perOpportunity * s.traffic));
        } else if (remaining > 0) {
            s.rate = clamp(s.rate * (1 + adjust));
        }
        startSlot(s, slot, todaySpend, todayValue);
    }

    private static void startSlot(State s, long slot, double todaySpend, double todayValue) {
        s.slot = slot;
        s.spendAtSlotStart = todaySpend;
        s.valueAtSlotStart = todayValue;
        s.opportunities = 0;
        s.exposure = 0;
    }

    private double clamp(double rate) {
        return Math.max(minRate, Math.min(1, rate));
    }

    /** The current rate without updating, 1 when the campaign is not paced yet. */
    public double current(String campaign) {
        State s = states.get(campaign);
        if (s == null) {
            return 1;
        }
        synchronized (s) {
            return s.rate;
        }
    }
}
