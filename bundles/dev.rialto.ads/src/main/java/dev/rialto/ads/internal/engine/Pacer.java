package dev.rialto.ads.internal.engine;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adaptive probabilistic throttling (Agarwal, Ghosh, Wei, Yu: "Budget pacing for targeted online advertisements
 * at LinkedIn", KDD 2014). Each campaign with a daily budget takes part in a request with probability {@code p}.
 * The day is cut into slots; at the end of each slot the spend of the slot is compared with its allowance, the
 * remaining budget spread evenly over the remaining slots (so being behind or ahead is made up for), and {@code p}
 * is multiplied by {@code 1 + r} (under-spent, capped at 1) or, over-spent, by {@code 1 - r} or the ratio of
 * allowance to spend when that is smaller (at most halved per slot): the paper's fixed step with a proportional
 * cut for large overshoots.
 */
public final class Pacer {

    /** One campaign's throttle; guarded by itself. */
    static final class State {
        LocalDate day;
        long slot = -1;
        double rate;
        double spendAtSlotStart;
    }

    /** The largest cut of the rate in one slot. */
    static final double MAX_DROP = 0.5;

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final long slotSeconds;
    private final long slotsPerDay;
    private final double adjust;
    private final double initialRate;
    private final double minRate;

    public Pacer(Duration slot, double adjust, double initialRate, double minRate) {
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
    }

    /**
     * The pass-through rate now, after the updates for the slots that ended since the last call.
     *
     * @param secondOfDay seconds since the start of the pacing day
     * @param todaySpend  the campaign's spend so far today
     * @param dailyBudget its daily budget
     */
    public double rate(String campaign, LocalDate day, long secondOfDay, double todaySpend, double dailyBudget) {
        State s = states.computeIfAbsent(campaign, k -> new State());
        long slot = Math.min(slotsPerDay - 1, secondOfDay / slotSeconds);
        synchronized (s) {
            if (!day.equals(s.day)) {
                s.day = day;
                s.slot = slot;
                s.rate = initialRate;
                s.spendAtSlotStart = todaySpend;
                return s.rate;
            }
            if (slot > s.slot) {
                // The allowance of the slot that ended: what was left at its start over the slots left then.
                long slotsLeft = slotsPerDay - s.slot;
                double allowance = Math.max(0, dailyBudget - s.spendAtSlotStart) / slotsLeft;
                double spent = todaySpend - s.spendAtSlotStart;
                if (spent > allowance) {
                    // At least the fixed step down; further when the slot overspent by more than that, so that a
                    // campaign whose traffic dwarfs its budget is reined in within minutes, not hours.
                    double factor = Math.min(1 - adjust, Math.max(MAX_DROP, allowance / spent));
                    s.rate = Math.max(minRate, s.rate * factor);
                } else if (spent < allowance) {
                    s.rate = Math.min(1, s.rate * (1 + adjust));
                }
                s.slot = slot;
                s.spendAtSlotStart = todaySpend;
            }
            return s.rate;
        }
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
