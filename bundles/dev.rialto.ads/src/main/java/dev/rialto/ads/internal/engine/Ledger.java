package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.Totals;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Spend and counts per campaign, today and all time, in memory. Seeded from the store at start; each charge is
 * added here and logged to the store by the engine. A new pacing day starts today's figures from the store's.
 * Charges are capped at what is left of the daily and total budgets, so a click or conversion that arrives after
 * the budget ran out is counted but not billed: an advertiser never pays more than its budget.
 */
public final class Ledger {

    /** One campaign's figures; guarded by itself. */
    static final class Account {
        LocalDate day;
        long todayImpressions;
        long todayClicks;
        long todayConversions;
        double todaySpend;
        // Expected charges at impression time, for pacing (not persisted: pacing only uses its differences).
        double todayValue;
        long impressions;
        long clicks;
        long conversions;
        double spend;
    }

    /** What one delivery adds. */
    public record Entry(int impressions, int clicks, int conversions, double price, double value) {
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Function<LocalDate, Map<String, Totals>> dayLoader;

    /**
     * @param total     all-time totals per campaign at start
     * @param dayLoader the store's spend of a day, read when a campaign's day changes
     */
    public Ledger(Map<String, Totals> total, Function<LocalDate, Map<String, Totals>> dayLoader) {
        this.dayLoader = dayLoader;
        total.forEach((id, t) -> {
            Account a = new Account();
            a.impressions = t.impressions();
            a.clicks = t.clicks();
            a.conversions = t.conversions();
            a.spend = t.spend();
            accounts.put(id, a);
        });
    }

    private Account account(String campaign, LocalDate day) {
        Account a = accounts.computeIfAbsent(campaign, k -> new Account());
        synchronized (a) {
            if (!day.equals(a.day)) {
                Totals t = dayLoader.apply(day).getOrDefault(campaign, Totals.ZERO);
                a.day = day;
                a.todayImpressions = t.impressions();
                a.todayClicks = t.clicks();
                a.todayConversions = t.conversions();
                a.todaySpend = t.spend();
                a.todayValue = t.spend();
            }
        }
        return a;
    }

    /**
     * Adds a delivery, charging its price capped at what is left of the budgets (null: none).
     *
     * @return the amount charged
     */
    public double add(String campaign, LocalDate day, Entry entry, Double dailyBudget, Double totalBudget) {
        Account a = account(campaign, day);
        synchronized (a) {
            double charge = Math.max(0, entry.price());
            if (dailyBudget != null) {
                charge = Math.min(charge, Math.max(0, dailyBudget - a.todaySpend));
            }
            if (totalBudget != null) {
                charge = Math.min(charge, Math.max(0, totalBudget - a.spend));
            }
            a.todaySpend += charge;
            a.todayValue += entry.value();
            a.todayImpressions += entry.impressions();
            a.todayClicks += entry.clicks();
            a.todayConversions += entry.conversions();
            a.spend += charge;
            a.impressions += entry.impressions();
            a.clicks += entry.clicks();
            a.conversions += entry.conversions();
            return charge;
        }
    }

    public double todaySpend(String campaign, LocalDate day) {
        Account a = account(campaign, day);
        synchronized (a) {
            return a.todaySpend;
        }
    }

    /** {@code [spend, value]} today, read together. */
    public double[] todaySpendAndValue(String campaign, LocalDate day) {
        Account a = account(campaign, day);
        synchronized (a) {
            return new double[] {a.todaySpend, a.todayValue};
        }
    }

    public double totalSpend(String campaign) {
        Account a = accounts.get(campaign);
        if (a == null) {
            return 0;
        }
        synchronized (a) {
            return a.spend;
        }
    }

    /** Today's and all-time figures of a campaign. */
    public record Figures(Totals today, Totals total) {
    }

    public Figures figures(String campaign, LocalDate day) {
        Account a = account(campaign, day);
        synchronized (a) {
            return new Figures(new Totals(a.todayImpressions, a.todayClicks, a.todayConversions, a.todaySpend),
                    new Totals(a.impressions, a.clicks, a.conversions, a.spend));
        }
    }
}
