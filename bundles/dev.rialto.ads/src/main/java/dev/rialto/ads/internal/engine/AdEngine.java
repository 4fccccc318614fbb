package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.AdStore;
import dev.rialto.ads.internal.store.Delivery;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdNotFoundException;
import dev.rialto.api.ads.AdPlacement;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.CampaignReport;
import dev.rialto.api.ads.CandidateTrace;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.PlacementCandidate;
import dev.rialto.api.ads.RuleCheck;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventType;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ScoreResult;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement engine: eligibility by placement rules (built-in and plug-in, cheapest first, campaign-level
 * verdicts shared by the campaign's creatives), pCTR, eCPM, tiers, generalised second price with the slot's
 * reserve, exploration, and a trace of all of it. Plain Java: the OSGi component wires it.
 */
public final class AdEngine implements AdPlacementEngine {
    private static final Logger LOG = LoggerFactory.getLogger(AdEngine.class);
    static final String HISTORICAL = "historical";

    private final Inventory inventory;
    private final AdStore store;
    private final Services services;
    private final Settings settings;
    private final Clock clock;
    private final Supplier<RandomGenerator> random;
    private final List<NamedRule> builtIns;
    private volatile List<NamedRule> rules;

    private final Ledger ledger;
    private final Pacer pacer;
    private final CtrModel ctr;
    private final FrequencyCaps caps;
    private final Attribution attribution;
    private final PageViews pages;
    private final Decisions decisions;

    /** One candidate under consideration. */
    private static final class Candidate {
        final Creative creative;
        final AdCampaign campaign;
        final List<RuleCheck> checks;
        boolean eligible;
        double pCtr;
        double pCvr = 1;
        String pCtrSource;
        double ecpm;
        String outcome;

        Candidate(Creative creative, AdCampaign campaign, List<RuleCheck> checks) {
            this.creative = creative;
            this.campaign = campaign;
            this.checks = checks;
        }
    }

    public AdEngine(Inventory inventory, AdStore store, RuleEvaluator evaluator, Services services,
            Settings settings, Clock clock, Supplier<RandomGenerator> random) {
        this.inventory = inventory;
        this.store = store;
        this.services = services;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.ledger = new Ledger(store.spendTotal(), store::spendOn);
        this.pacer = new Pacer(settings.pacingSlot(), settings.pacingAdjust(), settings.pacingInitialRate(),
                settings.pacingMinRate(), settings.pacingCatchUp());
        this.ctr = new CtrModel(settings.ctrPriorMean(), settings.ctrPriorStrength(), settings.cpaConversionRate(),
                settings.cvrPriorStrength());
        Map<String, String> campaignOf = new HashMap<>();
        inventory.creatives().forEach(c -> campaignOf.put(c.id(), c.campaignId()));
        ctr.seed(store.countsByCreative(), campaignOf);
        this.caps = new FrequencyCaps(store::impressionsSince, 100_000);
        this.attribution = new Attribution(store::clicksSince, store::impressionsSince, settings.clickWindow(),
                settings.viewWindow(), 100_000);
        this.pages = new PageViews(100_000);
        this.decisions = new Decisions(200_000, settings.decisionTtl());
        this.builtIns = BuiltInRules.all(this, evaluator);
        this.rules = builtIns;
    }

    /** Replaces the plug-in rules; they run among the built-ins by their order, then by name. */
    public void plugins(List<NamedRule> plugins) {
        List<NamedRule> merged = new ArrayList<>(builtIns);
        merged.addAll(plugins);
        merged.sort(Comparator.comparingInt((NamedRule r) -> r.rule().order()).thenComparing(NamedRule::name));
        rules = List.copyOf(merged);
    }

    public List<String> ruleNames() {
        return rules.stream().map(NamedRule::name).toList();
    }

    Inventory inventory() {
        return inventory;
    }

    Ledger ledger() {
        return ledger;
    }

    Pacer pacer() {
        return pacer;
    }

    FrequencyCaps caps() {
        return caps;
    }

    Settings settings() {
        return settings;
    }

    LocalDate pacingDay(Instant at) {
        return LocalDate.ofInstant(at, settings.pacingZone());
    }

    @Override
    public AdDecision decide(AdRequest request) {
        Snapshot snapshot = inventory.snapshot();
        Slot slot = snapshot.slot(request.slotId());
        if (slot == null) {
            throw new AdNotFoundException("slot", request.slotId());
        }
        Instant now = request.time() != null ? request.time() : clock.instant();
        ZoneId zone = request.zone() != null ? request.zone() : settings.userZone();
        Map<ContextField, String> context = new EnumMap<>(ContextField.class);
        context.putAll(request.context());
        if (slot.page() != null) {
            context.putIfAbsent(ContextField.PAGE, slot.page());
        }
        PageViews.Page page = pages.page(request.userId(), request.pageViewId());
        RandomGenerator rng = random.get();
        DecisionContext ctx = new DecisionContext(request, now, LocalDateTime.ofInstant(now, zone), page, services,
                settings.consentUnknownAllows(), settings.historyLimit(), context, rng);
        String id = UUID.randomUUID().toString();
        List<String> reasons = new ArrayList<>();

        if (page.ads() >= slot.maxAdsPerPage()) {
            reasons.add("this page view already shows " + page.ads() + " ad(s); slot " + slot.id() + " allows "
                    + slot.maxAdsPerPage() + " per page");
            return new AdDecision(id, slot.id(), now, null, reasons, List.of());
        }
        List<Creative> creatives = snapshot.creativesOfFormat(slot.format());
        if (creatives.isEmpty()) {
            reasons.add("no creative of format " + slot.format() + " (" + snapshot.creativesOfOtherFormats(slot.format())
                    + " of other formats)");
            return new AdDecision(id, slot.id(), now, null, reasons, List.of());
        }

        List<NamedRule> active = rules;
        List<Candidate> all = new ArrayList<>(creatives.size());
        List<Candidate> eligible = new ArrayList<>();
        Map<String, RuleCheck[]> perCampaign = new HashMap<>();
        for (Creative creative : creatives) {
            AdCampaign campaign = snapshot.campaign(creative.campaignId());
            PlacementCandidate candidate = new PlacementCandidate(campaign, creative, slot);
            List<RuleCheck> checks = new ArrayList<>(active.size());
            boolean ok = true;
            RuleCheck[] cached = perCampaign.get(campaign.id());
            if (cached == null) {
                cached = new RuleCheck[active.size()];
                perCampaign.put(campaign.id(), cached);
            }
            for (int i = 0; i < active.size(); i++) {
                NamedRule rule = active.get(i);
                RuleCheck check;
                if (rule.rule().perCampaign()) {
                    check = cached[i];
                    if (check == null) {
                        check = run(rule, candidate, ctx);
                        cached[i] = check;
                    }
                } else {
                    check = run(rule, candidate, ctx);
                }
                checks.add(check);
                if (!check.passed()) {
                    ok = false;
                    break;
                }
            }
            Candidate c = new Candidate(creative, campaign, checks);
            c.eligible = ok;
            c.outcome = ok ? null : "ineligible";
            all.add(c);
            if (ok) {
                eligible.add(c);
            }
        }

        AdPlacement placement = null;
        if (eligible.isEmpty()) {
            reasons.add("no eligible creative among " + all.size() + ": " + failureSummary(all));
        } else {
            predict(request.userId(), context.get(ContextField.DEVICE), eligible);
            placement = choose(eligible, slot, rng, reasons);
        }
        for (Candidate c : all) {
            if (c.outcome == null) {
                c.outcome = "outranked";
            }
        }
        if (placement != null) {
            page.add(placement.campaign().id(), placement.campaign().competitiveLabels());
            decisions.put(id, request.userId(), slot.id(), request.sessionId(), placement, now,
                    context.get(ContextField.DEVICE));
        }
        List<CandidateTrace> traces = new ArrayList<>(all.size());
        for (Candidate c : all) {
            traces.add(new CandidateTrace(c.creative.id(), c.campaign.id(), c.campaign.tier(), c.checks,
                    c.eligible ? c.pCtr : null, c.eligible ? c.pCtrSource : null, c.eligible ? c.ecpm : null,
                    c.outcome, c.eligible && c.campaign.bidType() == BidType.CPA ? c.pCvr : null));
        }
        return new AdDecision(id, slot.id(), now, placement, reasons, traces);
    }

    private static RuleCheck run(NamedRule rule, PlacementCandidate candidate, DecisionContext ctx) {
        try {
            RuleCheck check = rule.rule().check(candidate, ctx);
            if (check == null) {
                return RuleCheck.fail(rule.name(), "rule gave no verdict");
            }
            return check.rule().equals(rule.name()) ? check
                    : new RuleCheck(rule.name(), check.passed(), check.reason());
        } catch (RuntimeException e) {
            // A broken plug-in must not break decisions: its candidates are dropped, with the reason.
            LOG.warn("Placement rule {} failed on campaign {}", rule.name(), candidate.campaign().id(), e);
            return RuleCheck.fail(rule.name(), "rule failed: " + e);
        }
    }

    private static String failureSummary(List<Candidate> all) {
        Map<String, Integer> byRule = new TreeMap<>();
        for (Candidate c : all) {
            RuleCheck last = c.checks.get(c.checks.size() - 1);
            byRule.merge(last.rule(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        byRule.forEach((rule, n) -> out.append(out.length() == 0 ? "" : ", ").append(n).append(" failed ")
                .append(rule));
        return out.toString();
    }

    /** pCTR from the ad model when one is loaded, else the smoothed historical CTR; then eCPM. */
    private void predict(String userId, String device, List<Candidate> eligible) {
        Map<String, Double> scores = Map.of();
        String source = HISTORICAL;
        InterestScorer scorer = services.scorer();
        if (scorer != null && scorer.activeModel().isPresent()) {
            try {
                ScoreResult result = scorer.score(userId, eligible.stream().map(c -> c.creative.id()).toList());
                scores = result.scores();
                source = "model:" + result.model().name() + "@" + result.model().version();
            } catch (RuntimeException e) {
                LOG.warn("Ad model scoring failed; using historical CTR", e);
            }
        }
        for (Candidate c : eligible) {
            Double score = scores.get(c.creative.id());
            if (score != null && Double.isFinite(score) && score >= 0 && score <= 1) {
                c.pCtr = score;
                c.pCtrSource = source;
            } else {
                c.pCtr = ctr.ctr(c.creative.id(), c.campaign.id(), device);
                c.pCtrSource = HISTORICAL;
            }
            double bid = c.campaign.bid().doubleValue();
            if (c.campaign.bidType() == BidType.CPA) {
                c.pCvr = ctr.cvr(c.campaign.id());
            }
            c.ecpm = switch (c.campaign.bidType()) {
                case CPM -> bid;
                case CPC -> bid * c.pCtr * 1000;
                case CPA -> bid * c.pCtr * c.pCvr * 1000;
            };
        }
    }

    /** Highest tier first; GSP with reserve in the auction tier; fixed price in the others. */
    private AdPlacement choose(List<Candidate> eligible, Slot slot, RandomGenerator rng, List<String> reasons) {
        double reserve = slot.reserveCpm().doubleValue();
        for (Tier tier : Tier.values()) {
            List<Candidate> inTier = new ArrayList<>();
            for (Candidate c : eligible) {
                if (c.campaign.tier() != tier) {
                    continue;
                }
                if (tier == Tier.AUCTION && c.ecpm < reserve) {
                    c.outcome = "below-reserve";
                    continue;
                }
                inTier.add(c);
            }
            if (inTier.isEmpty()) {
                continue;
            }
            // Equal eCPM (CPM bids, fixed-price tiers): the creative users are likelier to click goes first.
            inTier.sort(Comparator.comparingDouble((Candidate c) -> -c.ecpm).thenComparingDouble(c -> -c.pCtr));
            Candidate winner = inTier.get(0);
            boolean explored = false;
            double payEcpm;
            if (tier == Tier.AUCTION) {
                if (inTier.size() > 1 && rng.nextDouble() < settings.exploration()) {
                    winner = inTier.get(rng.nextInt(inTier.size()));
                    explored = true;
                    payEcpm = reserve;
                    reasons.add(String.format(Locale.ROOT, "exploration: picked at random among %d (share %.3f)",
                            inTier.size(), settings.exploration()));
                } else {
                    double second = reserve;
                    for (Candidate c : inTier) {
                        if (!c.campaign.id().equals(winner.campaign.id())) {
                            second = Math.max(second, c.ecpm);
                            break;
                        }
                    }
                    payEcpm = Math.min(second, winner.ecpm);
                }
            } else {
                payEcpm = winner.ecpm;
            }
            for (Candidate c : eligible) {
                if (c.outcome == null && c.campaign.tier() != tier) {
                    c.outcome = c.campaign.tier().ordinal() > tier.ordinal() ? "lower-tier" : "outranked";
                }
            }
            winner.outcome = "won";
            double bid = winner.campaign.bid().doubleValue();
            double price = tier != Tier.AUCTION ? bid : Math.min(bid, switch (winner.campaign.bidType()) {
                case CPM -> payEcpm;
                case CPC -> payEcpm / (1000 * winner.pCtr);
                case CPA -> payEcpm / (1000 * winner.pCtr * winner.pCvr);
            });
            return new AdPlacement(winner.creative, winner.campaign, price, winner.pCtr, winner.ecpm, explored);
        }
        reasons.add(String.format(Locale.ROOT, "all %d eligible creatives are below the reserve of %.4f CPM",
                eligible.size(), reserve));
        return null;
    }

    @Override
    public boolean recordImpression(String decisionId) {
        Instant now = clock.instant();
        Decisions.Pending p = decisionId == null ? null : decisions.get(decisionId, now);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            if (p.impressed) {
                return false;
            }
            p.impressed = true;
        }
        AdPlacement placement = p.placement;
        AdCampaign campaign = placement.campaign();
        // Pacing steers by the expected charge of the impression: clicks and actions are too rare to steer by.
        double value = switch (campaign.bidType()) {
            case CPM -> placement.price() / 1000;
            case CPC -> placement.price() * placement.pCtr();
            case CPA -> placement.price() * placement.pCtr() * ctr.cvr(campaign.id());
        };
        double price = campaign.bidType() == BidType.CPM ? placement.price() / 1000 : 0;
        LocalDate day = pacingDay(now);
        double charge = ledger.add(campaign.id(), day, new Ledger.Entry(1, 0, 0, price, value),
                budget(campaign.dailyBudget()), budget(campaign.totalBudget()));
        ctr.impression(placement.creative().id(), campaign.id(), p.device);
        Delivery delivery = new Delivery(p.id + ":impression", Delivery.Kind.IMPRESSION, p.id, campaign.id(),
                placement.creative().id(), p.slotId, p.userId, p.sessionId, charge, now);
        log(delivery, day);
        caps.add(p.userId, now, campaign.id(), placement.creative().id(), p.sessionId,
                inventory.snapshot().longestCapWindow());
        attribution.add(p.userId, touch(delivery));
        event(p, EventType.IMPRESSION, charge, now);
        return true;
    }

    @Override
    public boolean recordClick(String decisionId) {
        Instant now = clock.instant();
        Decisions.Pending p = decisionId == null ? null : decisions.get(decisionId, now);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            if (!p.impressed || p.clicked) {
                return false;
            }
            p.clicked = true;
        }
        AdPlacement placement = p.placement;
        AdCampaign campaign = placement.campaign();
        double price = campaign.bidType() == BidType.CPC ? placement.price() : 0;
        LocalDate day = pacingDay(now);
        double charge = ledger.add(campaign.id(), day, new Ledger.Entry(0, 1, 0, price, 0),
                budget(campaign.dailyBudget()), budget(campaign.totalBudget()));
        ctr.click(placement.creative().id(), campaign.id(), p.device);
        Delivery delivery = new Delivery(p.id + ":click", Delivery.Kind.CLICK, p.id, campaign.id(),
                placement.creative().id(), p.slotId, p.userId, p.sessionId, charge, now);
        log(delivery, day);
        attribution.add(p.userId, touch(delivery));
        event(p, EventType.AD_CLICK, charge, now);
        return true;
    }

    /**
     * Attributes a purchase to the user's last ad click within the click window, else the last impression within the
     * view window, counts a conversion for that campaign and, for a CPA campaign, charges its bid (capped at what is
     * left of its budgets). Purchases are read from stored events, so the purchase must come after the touch.
     *
     * @return the campaign credited, or empty when no touch qualifies (or the event was attributed already)
     */
    public java.util.Optional<String> recordPurchase(Event purchase) {
        if (purchase.type() != EventType.PURCHASE || inventory.snapshot().campaigns.isEmpty()) {
            return java.util.Optional.empty();
        }
        // Imports of old purchases (history back-fills) cannot convert a live ad: skip them without a log read.
        Duration window = settings.clickWindow().compareTo(settings.viewWindow()) >= 0 ? settings.clickWindow()
                : settings.viewWindow();
        if (purchase.timestamp().isBefore(clock.instant().minus(window))) {
            return java.util.Optional.empty();
        }
        Attribution.Touch touch = attribution.attribute(purchase.id(), purchase.userId(), purchase.timestamp());
        if (touch == null) {
            return java.util.Optional.empty();
        }
        AdCampaign campaign = inventory.snapshot().campaign(touch.campaign());
        if (campaign == null) {
            return java.util.Optional.empty();
        }
        Instant now = purchase.timestamp();
        LocalDate day = pacingDay(now);
        double price = campaign.bidType() == BidType.CPA ? campaign.bid().doubleValue() : 0;
        double charge = ledger.add(campaign.id(), day, new Ledger.Entry(0, 0, 1, price, 0),
                budget(campaign.dailyBudget()), budget(campaign.totalBudget()));
        ctr.conversion(campaign.id());
        log(new Delivery(purchase.id() + ":conversion", Delivery.Kind.CONVERSION, touch.decisionId(), campaign.id(),
                touch.creative(), touch.slot(), purchase.userId(), touch.session(), charge, now), day);
        LOG.debug("Purchase {} attributed to campaign {} ({} of decision {}), charged {}", purchase.id(),
                campaign.id(), touch.kind().wireName(), touch.decisionId(), charge);
        return java.util.Optional.of(campaign.id());
    }

    private static Attribution.Touch touch(Delivery d) {
        return new Attribution.Touch(d.kind(), d.at(), d.decisionId(), d.campaignId(), d.creativeId(), d.slotId(),
                d.sessionId());
    }

    private static Double budget(BigDecimal budget) {
        return budget == null ? null : budget.doubleValue();
    }

    private void log(Delivery delivery, LocalDate day) {
        try {
            store.log(delivery, day);
        } catch (RuntimeException e) {
            // Counted in memory already; the log (and so caps after a restart) misses it.
            LOG.warn("Could not log the {} of decision {} (campaign {})", delivery.kind().wireName(),
                    delivery.decisionId(), delivery.campaignId(), e);
        }
    }

    private void event(Decisions.Pending p, EventType type, double charge, Instant at) {
        Creative creative = p.placement.creative();
        String item = creative.itemIds().isEmpty() ? null : creative.itemIds().get(0);
        try {
            Event event = new Event("ad-" + p.id + "-" + type.wireName(), type, p.userId, item, 1, at, null,
                    BigDecimal.valueOf(charge), new EventContext("ads", p.placement.campaign().id(), p.slotId,
                            creative.id()));
            services.record(event);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the {} event of decision {}", type.wireName(), p.id, e);
        }
    }

    @Override
    public CampaignReport report(String campaignId) {
        AdCampaign campaign = inventory.snapshot().campaign(campaignId);
        if (campaign == null) {
            throw new AdNotFoundException("campaign", campaignId);
        }
        Instant now = clock.instant();
        LocalDate day = pacingDay(now);
        Ledger.Figures f = ledger.figures(campaignId, day);
        Double planned = null;
        if (campaign.dailyBudget() != null) {
            double elapsed = LocalDateTime.ofInstant(now, settings.pacingZone()).toLocalTime().toSecondOfDay()
                    / 86_400d;
            planned = campaign.dailyBudget().doubleValue() * elapsed;
        }
        return new CampaignReport(campaignId, f.total().impressions(), f.total().clicks(), f.total().conversions(),
                f.total().spend(), day, f.today().impressions(), f.today().clicks(), f.today().conversions(),
                f.today().spend(), planned, pacer.current(campaignId));
    }

    /** How long decisions accept impressions; for docs and tests. */
    public Duration decisionTtl() {
        return settings.decisionTtl();
    }
}
