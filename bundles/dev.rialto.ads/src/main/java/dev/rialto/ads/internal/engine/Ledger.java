package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.Totals;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Spend and counts per campaign, today and all time, in memory. Seeded from the store at start; each charge is
 * added here and logged to the store by the engine. A new pacing day starts today's figures from the store's.
 */
public final class Ledger {

    /** One campaign's figures; guarded by itself. */
    static final class Account {
        LocalDate day;
        long todayImpressions;
        long todayClicks;
        double todaySpend;
        long impressions;
        long clicks;
        double spend;
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
                a.todaySpend = t.spend();
            }
        }
        return a;
    }

    public void add(String campaign, LocalDate day, double spend, int impressions, int clicks) {
        Account a = account(campaign, day);
        synchronized (a) {
            a.todaySpend += spend;
            a.todayImpressions += impressions;
            a.todayClicks += clicks;
            a.spend += spend;
            a.impressions += impressions;
            a.clicks += clicks;
        }
    }

    public double todaySpend(String campaign, LocalDate day) {
        Account a = account(campaign, day);
        synchronized (a) {
            return a.todaySpend;
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

    /** {@code [impressions, clicks, spend]} today and all time: {@code [ti, tc, ts, i, c, s]}. */
    public double[] figures(String campaign, LocalDate day) {
        Account a = account(campaign, day);
        synchronized (a) {
            return new double[] {a.todayImpressions, a.todayClicks, a.todaySpend, a.impressions, a.clicks, a.spend};
        }
    }
}
