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

    static List<NamedRule> all(AdEngine engine, RuleEvaluator evaluator) {
        return List.of(
                new NamedRule("status", new Status(engine)),
                new NamedRule("flight", new Flight()),
                new NamedRule("format", new Format()),
                new NamedRule("budget", new Budget(engine)),
                new NamedRule("page", new Page()),
                new NamedRule("targeting", new Targeting(evaluator)),
                new NamedRule("caps", new Caps(engine)),
                new NamedRule("pacing", new Pacing(engine)));
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

    /** Advertiser, campaign and creative must be active. */
    static final class Status implements PlacementRule {
        private static final RuleCheck ACTIVE = RuleCheck.pass("status", "active");
        private final AdEngine engine;

        Status(AdEngine engine) {
            this.engine = engine;
        }

        @Override
        public int order() {
            return ORDER_STATUS;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            Advertiser advertiser = engine.inventory().snapshot().advertiser(c.campaign().advertiserId());
            if (advertiser == null || advertiser.status() != AdStatus.ACTIVE) {
                return RuleCheck.fail("status", "advertiser " + c.campaign().advertiserId() + " is "
                        + (advertiser == null ? "missing" : advertiser.status().wireName()));
            }
            if (c.campaign().status() != AdStatus.ACTIVE) {
                return RuleCheck.fail("status", "campaign is " + c.campaign().status().wireName());
            }
            if (c.creative().status() != AdStatus.ACTIVE) {
                return RuleCheck.fail("status", "creative is " + c.creative().status().wireName());
            }
            return ACTIVE;
        }
    }

    /** The campaign's flight must include the decision time. */
    static final class Flight implements PlacementRule {
        @Override
        public int order() {
            return ORDER_FLIGHT;
        }

        @Override
        public boolean perCampaign() {
            return true;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            if (context.now().isBefore(k.start())) {
                return RuleCheck.fail("flight", "starts " + k.start());
            }
            if (k.end() != null && !context.now().isBefore(k.end())) {
                return RuleCheck.fail("flight", "ended " + k.end());
            }
            return RuleCheck.pass("flight", "in flight");
        }
    }

    /** The creative's size must fit the slot's (the format is matched by the candidate index). */
    static final class Format implements PlacementRule {
        // Passes are constant: this rule runs for every creative of every decision.
        private static final RuleCheck FITS = RuleCheck.pass("format", "fits the slot");

        @Override
        public int order() {
            return ORDER_FORMAT;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            Slot slot = c.slot();
            Creative creative = c.creative();
            if (!slot.format().equals(creative.format())) {
                return RuleCheck.fail("format", "format " + creative.format() + ", slot takes " + slot.format());
            }
            if (slot.size() != null && !slot.size().equals(creative.size())) {
                return RuleCheck.fail("format", "size " + (creative.size() == null ? "none" : creative.size())
                        + ", slot takes " + slot.size());
            }
            return FITS;
        }
    }

    /**
     * Budget left today and in total. A CPM campaign needs room for one more impression at its bid, so it never
     * overshoots; CPC and CPA campaigns are charged later (on the click or action) and stop once spent.
     */
    static final class Budget implements PlacementRule {
        private final AdEngine engine;

        Budget(AdEngine engine) {
            this.engine = engine;
        }

        @Override
        public int order() {
            return ORDER_BUDGET;
        }

        @Override
        public boolean perCampaign() {
            return true;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            double next = k.bidType() == BidType.CPM ? k.bid().doubleValue() / 1000 : 0;
            if (k.totalBudget() != null) {
                double total = engine.ledger().totalSpend(k.id());
                if (total + next > k.totalBudget().doubleValue() || total >= k.totalBudget().doubleValue()) {
                    return RuleCheck.fail("budget", "total budget " + money(k.totalBudget().doubleValue())
                            + " spent (" + money(total) + ")");
                }
            }
            if (k.dailyBudget() != null) {
                LocalDate day = engine.pacingDay(context.now());
                double today = engine.ledger().todaySpend(k.id(), day);
                if (today + next > k.dailyBudget().doubleValue() || today >= k.dailyBudget().doubleValue()) {
                    return RuleCheck.fail("budget", "daily budget " + money(k.dailyBudget().doubleValue())
                            + " spent (" + money(today) + ")");
                }
                return RuleCheck.pass("budget", money(today) + " of " + money(k.dailyBudget().doubleValue())
                        + " spent today");
            }
            return RuleCheck.pass("budget", "no daily budget");
        }
    }

    /** One ad per campaign per page view, and no two campaigns with a common competitive label. */
    static final class Page implements PlacementRule {
        @Override
        public int order() {
            return ORDER_PAGE;
        }

        @Override
        public boolean perCampaign() {
            return true;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            if (context.campaignsOnPage().contains(c.campaign().id())) {
                return RuleCheck.fail("page", "campaign already shown on this page view");
            }
            if (!c.campaign().competitiveLabels().isEmpty()) {
                for (String label : c.campaign().competitiveLabels()) {
                    if (context.labelsOnPage().contains(label)) {
                        return RuleCheck.fail("page", "competitor with label '" + label + "' already on this page view");
                    }
                }
            }
            return RuleCheck.pass("page", "not on this page view yet");
        }
    }

    /** The campaign's targeting rule. */
    static final class Targeting implements PlacementRule {
        private final RuleEvaluator evaluator;

        Targeting(RuleEvaluator evaluator) {
            this.evaluator = evaluator;
        }

        @Override
        public int order() {
            return ORDER_TARGETING;
        }

        @Override
        public boolean perCampaign() {
            return true;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            RuleOutcome outcome = evaluator.evaluate(c.campaign().targeting(), context.facts());
            return new RuleCheck("targeting", outcome.matched(), outcome.reason());
        }
    }

    /** Frequency caps per user: per creative and per campaign over their windows, and per session. */
    static final class Caps implements PlacementRule {
        private static final RuleCheck UNDER_CAPS = RuleCheck.pass("caps", "under every cap");
        private static final RuleCheck NO_CAPS = RuleCheck.pass("caps", "no caps");
        private final AdEngine engine;

        Caps(AdEngine engine) {
            this.engine = engine;
        }

        @Override
        public int order() {
            return ORDER_CAPS;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            List<FrequencyCap> caps = c.campaign().caps();
            if (caps.isEmpty()) {
                return NO_CAPS;
            }
            List<FrequencyCaps.Seen> impressions = ((DecisionContext) context).impressionsOf(c.campaign().id(),
                    engine.caps(), engine.inventory().snapshot().longestCapWindow());
            for (FrequencyCap cap : caps) {
                int count = FrequencyCaps.count(impressions, cap, c.creative().id(), context.request().sessionId(),
                        context.now());
                if (count >= cap.max()) {
                    return RuleCheck.fail("caps", cap.scope().wireName() + " " + count + "/" + cap.max()
                            + (cap.window() == null ? " per session" : " per " + cap.window()) + " reached");
                }
            }
            // Constant: built for every creative of every decision, so the counts are only spelled out on failure.
            return UNDER_CAPS;
        }
    }

    /** Adaptive throttling of campaigns with an even daily budget; it throws the dice, so it runs last. */
    static final class Pacing implements PlacementRule {
        private final AdEngine engine;

        Pacing(AdEngine engine) {
            this.engine = engine;
        }

        @Override
        public int order() {
            return ORDER_PACING;
        }

        @Override
        public boolean perCampaign() {
            return true;
        }

        @Override
        public RuleCheck check(PlacementCandidate c, PlacementContext context) {
            AdCampaign k = c.campaign();
            if (k.pacing() == PacingMode.ASAP || k.dailyBudget() == null) {
                return RuleCheck.pass("pacing", k.pacing() == PacingMode.ASAP ? "asap" : "no daily budget");
            }
            LocalDate day = engine.pacingDay(context.now());
            LocalDateTime local = LocalDateTime.ofInstant(context.now(), engine.settings().pacingZone());
            long second = local.toLocalTime().toSecondOfDay();
            double rate = engine.pacer().rate(k.id(), day, second, engine.ledger().todaySpend(k.id(), day),
                    k.dailyBudget().doubleValue());
            double dice = ((DecisionContext) context).random().nextDouble();
            String text = "pass rate " + rate(rate);
            return dice < rate ? RuleCheck.pass("pacing", text) : RuleCheck.fail("pacing", "throttled, " + text);
        }
    }
}
