package dev.rialto.ads.internal.engine;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.PlacementCandidate;
import dev.rialto.api.ads.PlacementContext;
import dev.rialto.api.ads.PlacementRule;
import dev.rialto.api.ads.RuleCheck;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.api.rules.RuleOutcome;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

/** The engine's own placement rules; plug-ins are {@link PlacementRule} services like these. */
final class BuiltInRules {
    private BuiltInRules() {
    }

    /** In order; each named by itself, as a plug-in is by its {@code rialto.provider}. */
    static List<NamedRule> all(AdEngine engine, RuleEvaluator evaluator) {
        return java.util.stream.Stream.of(new Status(engine), new Flight(), new Format(), new Budget(engine),
                new Page(), new Targeting(evaluator), new Caps(engine), new Pacing(engine))
                .map(rule -> new NamedRule(rule.name, rule)).toList();
    }

    /** Two decimals without String.format, which is slow on the decision path. */
    static String money(double value) {
        long cents = Math.round(value * 100);
        long rest = Math.abs(cents % 100);
        return (cents < 0 && cents > -100 ? "-" : "") + (cents / 100) + (rest < 10 ? ".0" : ".") + rest;
    }

    static String rate(double value) {
        long milli = Math.round(value * 1000);
        long rest = milli % 1000;
        return (milli / 1000) + (rest < 10 ? ".00" : rest < 100 ? ".0" : ".") + rest;
    }

    /**
     * The common part of the built-in rules: the name its verdicts carry, where it runs, whether its verdict depends
     * on the campaign only. Plug-ins implement {@link PlacementRule} directly, as these could.
     */
    abstract static class BuiltIn implements PlacementRule {
        final String name;
        private final int order;
        private final boolean perCampaign;

        BuiltIn(String name, int order, boolean perCampaign) {
            this.name = name;
            this.order = order;
            this.perCampaign = perCampaign;
        }

        @Override
        public final int order() {
            return order;
        }

        @Override
        public final boolean perCampaign() {
            return perCampaign;
        }

        final RuleCheck pass(String reason) {
            return RuleCheck.pass(name, reason);
        }

        final RuleCheck fail(String reason) {
            return RuleCheck.fail(name, reason);
        }
    }

    /** Advertiser, campaign and creative must be active. */
    static final class Status extends BuiltIn {
        private final RuleCheck active = pass("active");
        private final AdEngine engine;

        Status(AdEngine engine) {
            super("status", ORDER_STATUS, false);
            this.engine = engine;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            Advertiser advertiser = engine.inventory().snapshot().advertiser(c.campaign().advertiserId());
            if (advertiser == null || advertiser.status() != AdStatus.ACTIVE) {
                return fail("advertiser " + c.campaign().advertiserId() + " is "
                        + (advertiser == null ? "missing" : advertiser.status().wireName()));
            }
            if (c.campaign().status() != AdStatus.ACTIVE) {
                return fail("campaign is " + c.campaign().status().wireName());
            }
            if (c.creative().status() != AdStatus.ACTIVE) {
                return fail("creative is " + c.creative().status().wireName());
            }
            return active;
        }
    }

    /** The campaign's flight must include the decision time. */
    static final class Flight extends BuiltIn {
        private final RuleCheck inFlight = pass("in flight");

        Flight() {
            super("flight", ORDER_FLIGHT, true);
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            if (k.inFlight(context.now())) {
                return inFlight;
            }
            return fail(context.now().isBefore(k.start()) ? "starts " + k.start() : "ended " + k.end());
        }
    }

    /** The creative's size must fit the slot's (the format is matched by the candidate index). */
    static final class Format extends BuiltIn {
        // Passes are constant: this rule runs for every creative of every decision.
        private final RuleCheck fits = pass("fits the slot");

        Format() {
            super("format", ORDER_FORMAT, false);
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            Slot slot = c.slot();
            Creative creative = c.creative();
            if (!slot.format().equals(creative.format())) {
                return fail("format " + creative.format() + ", slot takes " + slot.format());
            }
            if (slot.size() != null && !slot.size().equals(creative.size())) {
                return fail("size " + (creative.size() == null ? "none" : creative.size()) + ", slot takes "
                        + slot.size());
            }
            return fits;
        }
    }

    /**
     * Budget left today and in total. A CPM campaign needs room for one more impression at its bid, so it never
     * overshoots; CPC and CPA campaigns are charged later (on the click or action) and stop once spent; a charge that
     * arrives after that is capped at what was left (see {@link Ledger}).
     */
    static final class Budget extends BuiltIn {
        private final RuleCheck noDaily = pass("no daily budget");
        private final AdEngine engine;

        Budget(AdEngine engine) {
            super("budget", ORDER_BUDGET, true);
            this.engine = engine;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            double next = k.bidType() == BidType.CPM ? k.bid().doubleValue() / 1000 : 0;
            if (k.totalBudget() != null) {
                RuleCheck spent = spent("total", k.totalBudget().doubleValue(), engine.ledger().totalSpend(k.id()),
                        next);
                if (spent != null) {
                    return spent;
                }
            }
            if (k.dailyBudget() == null) {
                return noDaily;
            }
            double daily = k.dailyBudget().doubleValue();
            double today = engine.ledger().todaySpend(k.id(), engine.pacingDay(context.now()));
            RuleCheck spent = spent("daily", daily, today, next);
            return spent != null ? spent : pass(money(today) + " of " + money(daily) + " spent today");
        }

        /** A failure when the budget cannot pay the next charge, else null. */
        private RuleCheck spent(String which, double budget, double spent, double next) {
            if (spent >= budget || spent + next > budget) {
                return fail(which + " budget " + money(budget) + " spent (" + money(spent) + ")");
            }
            return null;
        }
    }

    /** One ad per campaign per page view, and no two campaigns with a common competitive label. */
    static final class Page extends BuiltIn {
        private final RuleCheck notYet = pass("not on this page view yet");

        Page() {
            super("page", ORDER_PAGE, true);
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            if (context.campaignsOnPage().contains(c.campaign().id())) {
                return fail("campaign already shown on this page view");
            }
            for (String label : c.campaign().competitiveLabels()) {
                if (context.labelsOnPage().contains(label)) {
                    return fail("competitor with label '" + label + "' already on this page view");
                }
            }
            return notYet;
        }
    }

    /** The campaign's targeting rule, by the JSON rule evaluator. */
    static final class Targeting extends BuiltIn {
        private final RuleEvaluator evaluator;

        Targeting(RuleEvaluator evaluator) {
            super("targeting", ORDER_TARGETING, true);
            this.evaluator = evaluator;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            RuleOutcome outcome = evaluator.evaluate(c.campaign().targeting(), context.facts());
            return outcome.matched() ? pass(outcome.reason()) : fail(outcome.reason());
        }
    }

    /** Frequency caps per user: per creative and per campaign over their windows, and per session. */
    static final class Caps extends BuiltIn {
        // Constant: built for every creative of every decision, so the counts are only spelled out on failure.
        private final RuleCheck underCaps = pass("under every cap");
        private final RuleCheck noCaps = pass("no caps");
        private final AdEngine engine;

        Caps(AdEngine engine) {
            super("caps", ORDER_CAPS, false);
            this.engine = engine;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            List<FrequencyCap> caps = c.campaign().caps();
            if (caps.isEmpty()) {
                return noCaps;
            }
            List<FrequencyCaps.Seen> impressions = ((DecisionContext) context).impressionsOf(c.campaign().id(),
                    engine.caps(), engine.inventory().snapshot().longestCapWindow());
            for (FrequencyCap cap : caps) {
                int count = FrequencyCaps.count(impressions, cap, c.creative().id(), context.request().sessionId(),
                        context.now());
                if (count >= cap.max()) {
                    return fail(cap.scope().wireName() + " " + count + "/" + cap.max()
                            + (cap.window() == null ? " per session" : " per " + cap.window()) + " reached");
                }
            }
            return underCaps;
        }
    }

    /** Adaptive throttling of campaigns with an even daily budget; it throws the dice, so it runs last. */
    static final class Pacing extends BuiltIn {
        private final RuleCheck asap = pass("asap");
        private final RuleCheck noDaily = pass("no daily budget");
        private final AdEngine engine;

        Pacing(AdEngine engine) {
            super("pacing", ORDER_PACING, true);
            this.engine = engine;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            if (k.pacing() == PacingMode.ASAP) {
                return asap;
            }
            if (k.dailyBudget() == null) {
                return noDaily;
            }
            LocalDate day = engine.pacingDay(context.now());
            long second = LocalDateTime.ofInstant(context.now(), engine.settings().pacingZone()).toLocalTime()
                    .toSecondOfDay();
            double[] spent = engine.ledger().todaySpendAndValue(k.id(), day);
            double rate = engine.pacer().rate(k.id(), day, second, spent[0], spent[1], k.dailyBudget().doubleValue());
            String text = "pass rate " + rate(rate);
            return ((DecisionContext) context).random().nextDouble() < rate ? pass(text) : fail("throttled, " + text);
        }
    }
}
