package dev.rialto.benchmarks.ads;

import dev.rialto.ads.internal.engine.AdEngine;
import dev.rialto.ads.internal.engine.Inventory;
import dev.rialto.ads.internal.engine.Services;
import dev.rialto.ads.internal.engine.Settings;
import dev.rialto.ads.internal.rules.RuleEvaluatorComponent;
import dev.rialto.ads.internal.store.MemoryAdStore;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdPlacement;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.Rule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded simulation of one day of ad requests against the real engine (in-memory store): users with known true
 * click probabilities, campaigns with caps, budgets, targeting and competitive labels. Runs the engine as
 * configured (pCTR ranking, 2% exploration) and, on the same traffic, a random-within-tier baseline (exploration 1).
 *
 * <p>Usage: {@code java -jar ads-simulation.jar [REQUESTS] [SEED]} (defaults 1,000,000 and 42).
 */
public final class Simulation {
    static final Instant DAY = Instant.parse("2026-03-03T00:00:00Z");
    static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "IT"};
    static final double[] COUNTRY_SHARES = {0.4, 0.2, 0.2, 0.15, 0.05};
    static final String[] LABELS = {"airline", "telco", "bank"};
    static final int CAMPAIGNS = 100;
    static final int CREATIVES_PER_CAMPAIGN = 10;
    static final int USERS = 50_000;
    /** Auction campaigns (the last ones) that bid per conversion. */
    static final int CPA_CAMPAIGNS = 10;
    /** Mean delay from a click to its purchase. */
    static final long CONVERSION_DELAY_MEAN_SECONDS = 600;
    /** The prior conversions per click the engine assumes for a CPA campaign without history (as configured). */
    static final double CPA_PRIOR = 0.1;
    /** The pacing catch-up window; {@code -Dads.pacing.catchup.minutes=0} compares the plan to midnight. */
    static final Duration CATCH_UP = Duration.ofMinutes(Long.getLong("ads.pacing.catchup.minutes",
            Settings.DEFAULT_CATCH_UP.toMinutes()));
    // Per-decision CPU time as well as wall time: on a shared machine the wall time includes waiting for a core.
    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    final int requests;
    final long seed;
    final List<AdCampaign> campaigns = new ArrayList<>();
    final List<Creative> creatives = new ArrayList<>();
    final Map<String, Double> quality = new HashMap<>();
    /** True conversions per click of each CPA campaign. */
    final Map<String, Double> conversionRate = new HashMap<>();
    final Map<String, String> targetingNote = new HashMap<>();
    final String[] userCountry = new String[USERS];
    final String[] userDevice = new String[USERS];
    final double[] propensity = new double[USERS];
    long[] pageViewSeconds;
    int[] pageViewUser;

    Simulation(int requests, long seed) {
        this.requests = requests;
        this.seed = seed;
        build();
    }

    public static void main(String[] args) {
        int requests = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        Simulation sim = new Simulation(requests, seed);
        System.out.printf(Locale.ROOT, "Ads simulation: %,d requests (%,d page views x 2 slots), %d campaigns,"
                + " %d creatives, %,d users, seed %d, pacing catch-up %d min, %d cores, Java %s%n",
                sim.pageViewSeconds.length * 2, sim.pageViewSeconds.length, CAMPAIGNS, sim.creatives.size(), USERS,
                seed, CATCH_UP.toMinutes(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        Result engine = sim.run(0.02, "engine (pCTR ranking, exploration 0.02)");
        Result baseline = sim.run(1.0, "baseline (random within tier)");
        System.out.println();
        engine.print(sim);
        System.out.println();
        baseline.print(sim);
        System.out.println();
        System.out.printf(Locale.ROOT, "Realised CTR, auction tier: engine %.4f%% vs baseline %.4f%% (x%.2f);"
                + " all tiers: %.4f%% vs %.4f%% (x%.2f)%n", 100 * engine.ctr(Tier.AUCTION),
                100 * baseline.ctr(Tier.AUCTION), engine.ctr(Tier.AUCTION) / baseline.ctr(Tier.AUCTION),
                100 * engine.ctr(null), 100 * baseline.ctr(null), engine.ctr(null) / baseline.ctr(null));
    }

    private static double logNormal(SplittableRandom r, double sigma) {
        // Mean 1: exp(N(-sigma^2/2, sigma)).
        double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
        return Math.exp(sigma * g - sigma * sigma / 2);
    }

    private static BigDecimal money(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    }

    private void build() {
        SplittableRandom r = new SplittableRandom(seed);
        RuleEvaluatorComponent rules = new RuleEvaluatorComponent();
        for (int u = 0; u < USERS; u++) {
            double x = r.nextDouble();
            int c = 0;
            for (double acc = COUNTRY_SHARES[0]; x > acc && c < COUNTRIES.length - 1; acc += COUNTRY_SHARES[++c]) {
                // pick the country by its share
            }
            userCountry[u] = COUNTRIES[c];
            userDevice[u] = r.nextDouble() < 0.6 ? "mobile" : "desktop";
            propensity[u] = logNormal(r, 0.5);
        }
        Instant start = DAY.minus(Duration.ofDays(1));
        // Budgets scale with the traffic, so that a smaller run keeps the same supply and demand balance: at 1M
        // requests, contracts buy about 1% of the impressions each and auction budgets exceed what is left.
        double scale = requests / 1_000_000d;
        for (int i = 0; i < CAMPAIGNS; i++) {
            String id = String.format(Locale.ROOT, "k%03d", i);
            Tier tier;
            BidType type;
            double bid;
            BigDecimal daily;
            List<FrequencyCap> caps = new ArrayList<>();
            Rule targeting = null;
            Set<String> labels = Set.of();
            if (i < 10) {
                tier = Tier.CONTRACT;
                type = BidType.CPM;
                bid = 4.0;
                daily = money(40 * scale);
                caps.add(new FrequencyCap(FrequencyCap.Scope.CAMPAIGN, 3, Duration.ofDays(1)));
            } else if (i < 90) {
                tier = Tier.AUCTION;
                boolean cpc = r.nextDouble() < 0.6;
                type = cpc ? BidType.CPC : BidType.CPM;
                bid = cpc ? 0.2 + 0.8 * r.nextDouble() : 1 + 5 * r.nextDouble();
                daily = money((7.5 + 15 * r.nextDouble()) * scale);
                if (i >= 90 - CPA_CAMPAIGNS) {
                    // Performance advertisers: pay per conversion, with a known true conversion rate per click.
                    // Drawn from a separate stream so that the other campaigns are the same as without them.
                    SplittableRandom a = new SplittableRandom(seed * 31 + i);
                    type = BidType.CPA;
                    bid = 2 + 4 * a.nextDouble();
                    conversionRate.put(id, 0.1 + 0.2 * a.nextDouble());
                    // Booked in conversions: 10 to 30 a day at 1M requests (1 to 3 at 100,000).
                    daily = money(bid * (10 + 20 * a.nextDouble()) * scale);
                }
                caps.add(new FrequencyCap(FrequencyCap.Scope.CAMPAIGN, 4, Duration.ofDays(1)));
                if (r.nextDouble() < 0.5) {
                    caps.add(new FrequencyCap(FrequencyCap.Scope.CREATIVE, 1, Duration.ofHours(1)));
                }
                if (r.nextDouble() < 0.33) {
                    caps.add(new FrequencyCap(FrequencyCap.Scope.SESSION, 2, null));
                }
                double t = r.nextDouble();
                if (t < 0.3) {
                    String a = COUNTRIES[r.nextInt(COUNTRIES.length)];
                    String b = COUNTRIES[r.nextInt(COUNTRIES.length)];
                    targeting = rules.parse("{\"context\":\"country\",\"values\":[\"" + a + "\",\"" + b + "\"]}");
                    targetingNote.put(id, a.equals(b) ? "country " + a : "countries " + a + "+" + b);
                } else if (t < 0.45) {
                    targeting = rules.parse("{\"all\":[{\"context\":\"device\",\"value\":\"mobile\"},"
                            + "{\"context\":\"hour\",\"op\":\"between\",\"values\":[\"6\",\"23\"]}]}");
                    targetingNote.put(id, "mobile 6-23h");
                }
                if (r.nextDouble() < 0.2) {
                    labels = Set.of(LABELS[r.nextInt(LABELS.length)]);
                }
            } else {
                tier = Tier.REMNANT;
                type = BidType.CPM;
                bid = 0.1;
                daily = null;
            }
            AdCampaign campaign = new AdCampaign(id, "adv", "Campaign " + id, AdStatus.ACTIVE, start, null, null,
                    daily, type, BigDecimal.valueOf(bid).setScale(4, RoundingMode.HALF_UP), tier, targeting, caps,
                    labels, PacingMode.EVEN);
            campaigns.add(campaign);
            double base = 0.01 * logNormal(r, 0.5);
            for (int k = 0; k < CREATIVES_PER_CAMPAIGN; k++) {
                Creative creative = new Creative(id + "-c" + k, id, "banner", "300x250", "Ad " + id + "/" + k, "", null,
                        "https://example.com/" + id + "/" + k, List.of(), AdStatus.ACTIVE);
                creatives.add(creative);
                quality.put(creative.id(), base * logNormal(r, 0.4));
            }
        }
        // Page views over the day: more in the evening (rejection sampling on a sine), users heavy-tailed.
        int pageViews = requests / 2;
        pageViewSeconds = new long[pageViews];
        pageViewUser = new int[pageViews];
        for (int i = 0; i < pageViews; i++) {
            long s;
            do {
                s = r.nextLong(86_400);
            } while (r.nextDouble() * 1.6 > 1 + 0.6 * Math.sin(2 * Math.PI * (s / 86_400d - 0.375)));
            pageViewSeconds[i] = s;
        }
        Arrays.sort(pageViewSeconds);
        for (int i = 0; i < pageViews; i++) {
            double x = r.nextDouble();
            pageViewUser[i] = (int) (USERS * x * x);
        }
    }

    Result run(double exploration, String name) {
        MemoryAdStore store = new MemoryAdStore();
        store.save(new Advertiser("adv", "Advertiser", AdStatus.ACTIVE));
        store.save(new Slot("top", "Top", "banner", "300x250", new BigDecimal("0.5"), "home", 2));
        store.save(new Slot("side", "Side", "banner", "300x250", new BigDecimal("0.3"), "home", 2));
        campaigns.forEach(store::save);
        creatives.forEach(store::save);
        Inventory inventory = new Inventory(store);
        MutableClock clock = new MutableClock(DAY);
        SplittableRandom engineRandom = new SplittableRandom(seed + 1);
        Settings d = Settings.defaults();
        Settings settings = new Settings(false, ZoneId.of("UTC"), ZoneId.of("UTC"), exploration, CPA_PRIOR, 0,
                d.decisionTtl(), d.pacingSlot(), d.pacingAdjust(), d.pacingInitialRate(), d.pacingMinRate(),
                d.ctrPriorMean(), d.ctrPriorStrength(), d.clickWindow(), d.viewWindow(), d.cvrPriorStrength(),
                CATCH_UP);
        AdEngine engine = new AdEngine(inventory, store, new RuleEvaluatorComponent(), Services.NONE, settings, clock,
                () -> engineRandom);
        SplittableRandom clicks = new SplittableRandom(seed + 2);
        CapChecker checker = new CapChecker(campaigns);
        Result result = new Result(name, pageViewSeconds.length * 2);
        Map<String, double[]> hourlySpend = new HashMap<>();
        campaigns.stream().filter(c -> c.dailyBudget() != null).forEach(c -> hourlySpend.put(c.id(), new double[25]));
        String[] slots = {"top", "side"};
        SplittableRandom conversions = new SplittableRandom(seed + 3);
        // Purchases waiting for their time: [second, user, campaign index] ordered by second.
        java.util.PriorityQueue<long[]> purchases = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong((long[] a) -> a[0]));
        Map<String, Integer> campaignIndex = new HashMap<>();
        for (int k = 0; k < campaigns.size(); k++) {
            campaignIndex.put(campaigns.get(k).id(), k);
        }
        int hour = 0;
        long started = System.nanoTime();
        for (int i = 0; i < pageViewSeconds.length; i++) {
            long second = pageViewSeconds[i];
            while (second >= (hour + 1) * 3600L) {
                purchasesUntil(engine, clock, purchases, (hour + 1) * 3600L - 1, result);
                hour++;
                clock.set(DAY.plusSeconds(hour * 3600L - 1));
                snapshot(engine, hourlySpend, hour);
                throttles(engine, result, hour - 1);
            }
            purchasesUntil(engine, clock, purchases, second, result);
            Instant t = DAY.plusSeconds(second);
            clock.set(t);
            int user = pageViewUser[i];
            String userId = "u" + user;
            String session = userId + "-" + (second / 1800);
            Map<ContextField, String> context = Map.of(ContextField.COUNTRY, userCountry[user], ContextField.DEVICE,
                    userDevice[user], ContextField.PAGE, "home");
            for (String slot : slots) {
                AdRequest request = new AdRequest(userId, slot, "pv" + i, session, context, null, t);
                long c0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                AdDecision decision = engine.decide(request);
                result.latency[result.requests] = System.nanoTime() - t0;
                result.cpu[result.requests++] = THREADS.getCurrentThreadCpuTime() - c0;
                result.opportunities(decision, (int) (second / 3600));
                if (!decision.filled()) {
                    result.noFill++;
                    continue;
                }
                AdPlacement p = decision.placement();
                engine.recordImpression(decision.id());
                checker.impression(userId, p.campaign(), p.creative().id(), session, t, result);
                int tier = p.campaign().tier().ordinal();
                result.impressions[tier]++;
                double trueCtr = Math.min(0.5, quality.get(p.creative().id()) * propensity[user]);
                Double trueCvr = conversionRate.get(p.campaign().id());
                // The expected charge of the impression (CPC and CPA spend without the click and conversion count
                // noise): what the demand estimate below adds up.
                double expectedCharge = switch (p.campaign().bidType()) {
                    case CPM -> p.price() / 1000;
                    case CPC -> p.price() * trueCtr;
                    case CPA -> p.price() * trueCtr * trueCvr;
                };
                if (p.campaign().dailyBudget() != null) {
                    result.expectedHourly.computeIfAbsent(p.campaign().id(), k -> new double[24])[(int) (second
                            / 3600)] += expectedCharge;
                }
                result.expectedClicks[tier] += trueCtr;
                if (clicks.nextDouble() < trueCtr) {
                    engine.recordClick(decision.id());
                    result.clicks[tier]++;
                    if (trueCvr != null) {
                        result.cpaClicks.merge(p.campaign().id(), 1, Integer::sum);
                        result.cpaExpectedConversions.merge(p.campaign().id(), trueCvr, Double::sum);
                        if (conversions.nextDouble() < trueCvr) {
                            long delay = (long) (-CONVERSION_DELAY_MEAN_SECONDS * Math.log(1 - conversions.nextDouble()));
                            purchases.add(new long[] {second + 1 + delay, user, campaignIndex.get(p.campaign().id())});
                        }
                    }
                }
            }
        }
        while (hour < 24) {
            purchasesUntil(engine, clock, purchases, (hour + 1) * 3600L - 1, result);
            hour++;
            clock.set(DAY.plusSeconds(hour * 3600L - 1));
            snapshot(engine, hourlySpend, hour);
            throttles(engine, result, hour - 1);
        }
        // Purchases after midnight convert on the next budget day: counted, not part of this day's spend.
        result.lateConversions = purchases.size();
        result.seconds = (System.nanoTime() - started) / 1e9;
        for (AdCampaign c : campaigns) {
            if (c.dailyBudget() != null) {
                result.spend.put(c.id(), engine.report(c.id()).todaySpend());
                double[] cumulative = hourlySpend.get(c.id());
                double[] perHour = new double[24];
                for (int h = 0; h < 24; h++) {
                    perHour[h] = cumulative[h + 1] - cumulative[h];
                }
                result.hourly.put(c.id(), perHour);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %.1f s%n", name, result.seconds);
        return result;
    }

    /**
     * Reports the purchases due by {@code untilSecond} through the engine's conversion path (as the event store's
     * listener does for stored purchase events): the engine attributes each to the user's last ad click.
     */
    private void purchasesUntil(AdEngine engine, MutableClock clock, java.util.PriorityQueue<long[]> purchases,
            long untilSecond, Result result) {
        while (!purchases.isEmpty() && purchases.peek()[0] <= untilSecond && purchases.peek()[0] < 86_400) {
            long[] due = purchases.poll();
            Instant at = DAY.plusSeconds(due[0]);
            Instant before = clock.instant();
            clock.set(at);
            String source = campaigns.get((int) due[2]).id();
            result.purchases++;
            java.util.Optional<String> credited = engine.recordPurchase(new dev.rialto.api.events.Event(
                    "buy-" + result.purchases, dev.rialto.api.events.EventType.PURCHASE, "u" + due[1], "sku-1", 1,
                    at));
            credited.ifPresent(c -> result.attributed.merge(c, 1, Integer::sum));
            if (credited.isPresent() && !credited.get().equals(source)) {
                result.attributedElsewhere++;
            }
            clock.set(before.isAfter(at) ? before : at);
        }
    }

    private void throttles(AdEngine engine, Result result, int hour) {
        for (AdCampaign c : campaigns) {
            if (c.dailyBudget() != null) {
                result.throttle.computeIfAbsent(c.id(), k -> new double[24])[hour] = engine.report(c.id()).throttle();
            }
        }
    }

    private static void snapshot(AdEngine engine, Map<String, double[]> hourlySpend, int hour) {
        hourlySpend.forEach((id, spend) -> spend[hour] = engine.report(id).todaySpend());
    }

    /** Checks every impression against the caps, independently of the engine. */
    static final class CapChecker {
        private final Map<String, ArrayDeque<Instant>> campaignSeen = new HashMap<>();
        private final Map<String, ArrayDeque<Instant>> creativeSeen = new HashMap<>();
        private final Map<String, Integer> sessionSeen = new HashMap<>();

        CapChecker(List<AdCampaign> campaigns) {
        }

        void impression(String user, AdCampaign campaign, String creative, String session, Instant t, Result result) {
            ArrayDeque<Instant> byCampaign = campaignSeen.computeIfAbsent(user + "|" + campaign.id(),
                    k -> new ArrayDeque<>());
            ArrayDeque<Instant> byCreative = creativeSeen.computeIfAbsent(user + "|" + creative, k -> new ArrayDeque<>());
            byCampaign.add(t);
            byCreative.add(t);
            int inSession = sessionSeen.merge(session + "|" + campaign.id(), 1, Integer::sum);
            for (FrequencyCap cap : campaign.caps()) {
                result.capChecks++;
                long count = switch (cap.scope()) {
                    case CAMPAIGN -> byCampaign.stream().filter(s -> !s.isBefore(t.minus(cap.window()))).count();
                    case CREATIVE -> byCreative.stream().filter(s -> !s.isBefore(t.minus(cap.window()))).count();
                    case SESSION -> inSession;
                };
                if (count > cap.max()) {
                    result.capViolations++;
                }
            }
        }
    }

    static final class Result {
        final String name;
        final long[] latency;
        final long[] cpu;
        int requests;
        long noFill;
        final long[] impressions = new long[Tier.values().length];
        final long[] clicks = new long[Tier.values().length];
        final double[] expectedClicks = new double[Tier.values().length];
        long capChecks;
        long capViolations;
        final Map<String, Double> spend = new HashMap<>();
        final Map<String, double[]> hourly = new HashMap<>();
        final Map<String, double[]> expectedHourly = new HashMap<>();
        /** Per budgeted campaign and hour: requests its pacing let through, and requests it throttled. */
        final Map<String, long[]> passedHourly = new HashMap<>();
        final Map<String, long[]> throttledHourly = new HashMap<>();
        /** Per budgeted campaign and hour: the pacing throttle at the end of the hour. */
        final Map<String, double[]> throttle = new HashMap<>();
        final Map<String, Integer> cpaClicks = new HashMap<>();
        final Map<String, Double> cpaExpectedConversions = new HashMap<>();
        final Map<String, Integer> attributed = new HashMap<>();
        long purchases;
        long attributedElsewhere;
        long lateConversions;
        double seconds;

        /**
         * Counts, per campaign, whether this request reached its pacing rule (every other rule passed for at least
         * one of its creatives) and whether pacing let it through.
         */
        void opportunities(AdDecision decision, int hour) {
            Map<String, Boolean> seen = new HashMap<>();
            for (dev.rialto.api.ads.CandidateTrace c : decision.candidates()) {
                if (seen.containsKey(c.campaignId())) {
                    continue;
                }
                List<dev.rialto.api.ads.RuleCheck> checks = c.checks();
                for (dev.rialto.api.ads.RuleCheck check : checks) {
                    if (check.rule().equals("pacing")) {
                        seen.put(c.campaignId(), check.passed());
                        break;
                    }
                }
            }
            seen.forEach((campaign, passed) -> (passed ? passedHourly : throttledHourly)
                    .computeIfAbsent(campaign, k -> new long[24])[hour]++);
        }

        /**
         * Unthrottled demand: what the campaign would have been charged with no pacing throttle. Each hour, the
         * requests pacing threw away are valued at the hour's expected charge per request let through (the
         * throttled requests met the same rules, caps and competition); an hour with nothing let through uses the
         * day's rate. The expected charge is price x true CTR (x true CVR) per impression, so CPC and CPA demand is
         * free of click counting noise. A proxy: it ignores that winning more would use up caps sooner.
         */
        double demand(String campaign) {
            long[] passed = passedHourly.getOrDefault(campaign, new long[24]);
            long[] throttled = throttledHourly.getOrDefault(campaign, new long[24]);
            double[] value = expectedHourly.getOrDefault(campaign, new double[24]);
            double dayValue = 0;
            long dayPassed = 0;
            for (int h = 0; h < 24; h++) {
                dayValue += value[h];
                dayPassed += passed[h];
            }
            double dayRate = dayPassed == 0 ? 0 : dayValue / dayPassed;
            double demand = 0;
            for (int h = 0; h < 24; h++) {
                double rate = passed[h] > 0 ? value[h] / passed[h] : dayRate;
                demand += value[h] + throttled[h] * rate;
            }
            return demand;
        }

        Result(String name, int requests) {
            this.name = name;
            this.latency = new long[requests];
            this.cpu = new long[requests];
        }

        double ctr(Tier tier) {
            long i = 0;
            long c = 0;
            for (Tier t : Tier.values()) {
                if (tier == null || t == tier) {
                    i += impressions[t.ordinal()];
                    c += clicks[t.ordinal()];
                }
            }
            return i == 0 ? 0 : (double) c / i;
        }

        /**
         * Every budgeted campaign that ended below 97% of its daily budget, with its unthrottled demand: below the
         * budget it is demand-limited (its eligible traffic could not carry the budget even with no throttle), at
         * or above it pacing-limited (the throttle held back traffic it needed). Also how many campaigns of each
         * kind had a demand below their budget.
         */
        void printShort(Simulation sim) {
            int demandLimited = 0;
            int pacingLimited = 0;
            int infeasible = 0;
            StringBuilder rows = new StringBuilder();
            for (AdCampaign c : sim.campaigns) {
                if (c.dailyBudget() == null) {
                    continue;
                }
                double budget = c.dailyBudget().doubleValue();
                double ratio = spend.get(c.id()) / budget;
                double demand = demand(c.id());
                if (demand < budget) {
                    infeasible++;
                }
                if (ratio >= 0.97) {
                    continue;
                }
                boolean byDemand = demand < budget;
                if (byDemand) {
                    demandLimited++;
                } else {
                    pacingLimited++;
                }
                double[] p = throttle.getOrDefault(c.id(), new double[24]);
                long[] passed = passedHourly.getOrDefault(c.id(), new long[24]);
                long[] throttled = throttledHourly.getOrDefault(c.id(), new long[24]);
                long pass = Arrays.stream(passed).sum();
                long thr = Arrays.stream(throttled).sum();
                rows.append(String.format(Locale.ROOT, "  %s %-40s spend/budget %.3f, demand/budget %.3f, requests"
                        + " reaching pacing %,d (throttled %,d), throttle at 18h/21h/24h %.3f/%.3f/%.3f: %s%n", c.id(),
                        sim.describe(c), ratio, demand / budget, pass + thr, thr, p[17], p[20], p[23],
                        byDemand ? "demand-limited" : "pacing-limited"));
            }
            System.out.printf(Locale.ROOT, "budgeted campaigns below 0.97 of budget: %d demand-limited, %d"
                    + " pacing-limited; campaigns whose unthrottled demand is below their budget: %d%n",
                    demandLimited, pacingLimited, infeasible);
            System.out.print(rows);
        }

        void printCpa(Simulation sim) {
            System.out.printf(Locale.ROOT, "CPA: %,d purchases reported through the engine after clicks on CPA"
                    + " campaigns (%,d attributed last-touch to another campaign's later click; %,d fall after"
                    + " midnight)%n", purchases, attributedElsewhere, lateConversions);
            for (AdCampaign c : sim.campaigns) {
                if (c.bidType() != BidType.CPA) {
                    continue;
                }
                double s = spend.get(c.id());
                int conv = attributed.getOrDefault(c.id(), 0);
                double expected = cpaExpectedConversions.getOrDefault(c.id(), 0d);
                System.out.printf(Locale.ROOT, "  %s bid %.2f true CVR %.3f: spend %.2f / budget %.2f = %.3f,"
                        + " clicks %d, conversions %d attributed (%.1f expected from its clicks), realised CPA %s,"
                        + " spend per expected conversion %s%n", c.id(), c.bid().doubleValue(),
                        sim.conversionRate.get(c.id()), s, c.dailyBudget().doubleValue(),
                        s / c.dailyBudget().doubleValue(), cpaClicks.getOrDefault(c.id(), 0), conv, expected,
                        conv == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", s / conv),
                        expected == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", s / expected));
            }
        }

        void print(Simulation sim) {
            long[] sorted = Arrays.copyOf(latency, requests);
            Arrays.sort(sorted);
            System.out.println("== " + name);
            System.out.printf(Locale.ROOT, "requests %,d, filled %,d (%.1f%%), wall %.1f s%n", requests,
                    requests - noFill, 100.0 * (requests - noFill) / requests, seconds);
            for (Tier t : Tier.values()) {
                if (impressions[t.ordinal()] > 0) {
                    System.out.printf(Locale.ROOT, "  %-8s impressions %,9d clicks %,7d CTR %.4f%% (true expected"
                            + " %.4f%%)%n", t.wireName(), impressions[t.ordinal()], clicks[t.ordinal()],
                            100.0 * clicks[t.ordinal()] / impressions[t.ordinal()],
                            100 * expectedClicks[t.ordinal()] / impressions[t.ordinal()]);
                }
            }
            System.out.printf(Locale.ROOT, "cap violations: %d of %,d cap checks on impressions%n", capViolations,
                    capChecks);
            // CPM campaigns pay per impression, CPC campaigns per click (a few per hour at 1M requests a day), so
            // their hourly spend carries click-counting noise: reported apart, and together.
            int allWithin = 0;
            int budgeted = 0;
            List<Double> allErrors = new ArrayList<>();
            for (BidType type : new BidType[] {BidType.CPM, BidType.CPC, BidType.CPA}) {
                List<Double> ratios = new ArrayList<>();
                int within = 0;
                List<Double> errors = new ArrayList<>();
                for (AdCampaign c : sim.campaigns) {
                    if (c.dailyBudget() == null || c.bidType() != type) {
                        continue;
                    }
                    double ratio = spend.get(c.id()) / c.dailyBudget().doubleValue();
                    ratios.add(ratio);
                    if (Math.abs(ratio - 1) <= 0.03) {
                        within++;
                    }
                    // Absolute error of each hour's spend against an even plan (daily budget / 24).
                    double plan = c.dailyBudget().doubleValue() / 24;
                    for (double h : hourly.get(c.id())) {
                        errors.add(Math.abs(h - plan) / plan);
                    }
                }
                if (ratios.isEmpty()) {
                    continue;
                }
                budgeted += ratios.size();
                allWithin += within;
                allErrors.addAll(errors);
                ratios.sort(Double::compare);
                System.out.printf(Locale.ROOT, "%s: spend/daily budget over %d budgeted campaigns: within +/-3%%: %d;"
                        + " min %.3f, p10 %.3f, median %.3f, p90 %.3f, max %.3f%n", type.wireName(), ratios.size(),
                        within, ratios.get(0), ratios.get(ratios.size() / 10), ratios.get(ratios.size() / 2),
                        ratios.get(ratios.size() * 9 / 10), ratios.get(ratios.size() - 1));
                printErrors(type.wireName(), errors);
                if (type != BidType.CPM) {
                    List<Double> expected = new ArrayList<>();
                    for (AdCampaign c : sim.campaigns) {
                        if (c.dailyBudget() != null && c.bidType() == type) {
                            double plan = c.dailyBudget().doubleValue() / 24;
                            for (double h : expectedHourly.getOrDefault(c.id(), new double[24])) {
                                expected.add(Math.abs(h - plan) / plan);
                            }
                        }
                    }
                    printErrors(type.wireName() + " expected spend (price x true CTR" + (type == BidType.CPA
                            ? " x true CVR" : "") + " per impression)", expected);
                }
            }
            System.out.printf(Locale.ROOT, "all budgeted: %d of %d campaigns within +/-3%% of their daily budget%n",
                    allWithin, budgeted);
            printShort(sim);
            printCpa(sim);
            printErrors("all budgeted", allErrors);
            System.out.printf(Locale.ROOT, "decision latency, wall: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                    sorted[requests / 2] / 1e6, sorted[(int) (requests * 0.99)] / 1e6,
                    sorted[(int) (requests * 0.999)] / 1e6, sorted[requests - 1] / 1e6);
            long[] cpuSorted = Arrays.copyOf(cpu, requests);
            Arrays.sort(cpuSorted);
            System.out.printf(Locale.ROOT, "decision latency, thread CPU: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
                    + " max %.3f ms%n", cpuSorted[requests / 2] / 1e6, cpuSorted[(int) (requests * 0.99)] / 1e6,
                    cpuSorted[(int) (requests * 0.999)] / 1e6, cpuSorted[requests - 1] / 1e6);
        }
    }

    String describe(AdCampaign c) {
        StringBuilder out = new StringBuilder(c.bidType().wireName());
        if (targetingNote.containsKey(c.id())) {
            out.append(' ').append(targetingNote.get(c.id()));
        }
        for (FrequencyCap cap : c.caps()) {
            out.append(' ').append(cap.scope().name().toLowerCase(Locale.ROOT)).append("-cap ").append(cap.max());
        }
        if (!c.competitiveLabels().isEmpty()) {
            out.append(" label");
        }
        return out.toString();
    }

    private static void printErrors(String what, List<Double> errors) {
        if (errors.isEmpty()) {
            return;
        }
        errors.sort(Double::compare);
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        System.out.printf(Locale.ROOT, "%s: hourly spend error vs even plan (%d campaign-hours): mean absolute"
                + " %.1f%%, median %.1f%%, p90 %.1f%%%n", what, errors.size(), 100 * mean,
                100 * errors.get(errors.size() / 2), 100 * errors.get(errors.size() * 9 / 10));
    }

    /** The simulated time. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
