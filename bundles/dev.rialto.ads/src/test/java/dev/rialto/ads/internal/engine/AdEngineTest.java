package dev.rialto.ads.internal.engine;

import static dev.rialto.ads.internal.engine.Fixture.auction;
import static dev.rialto.ads.internal.engine.Fixture.campaign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdNotFoundException;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.CandidateTrace;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.PlacementRule;
import dev.rialto.api.ads.RuleCheck;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ScoreResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdEngineTest {

    private static AdRequest request(String user, String pageView) {
        return new AdRequest(user, "top", pageView, "s1", Map.of(ContextField.COUNTRY, "DE"), null, null);
    }

    private static CandidateTrace trace(AdDecision d, String creative) {
        return d.candidates().stream().filter(c -> c.creativeId().equals(creative)).findFirst().orElseThrow();
    }

    @Test
    void auctionRanksByBidTimesPctrAndThePayerPaysTheSecondPriceWithTheReserve() {
        Fixture f = new Fixture().basics("1.00")
                .add(auction("cpm-high", BidType.CPM, "3.00"), "a1")
                .add(auction("cpc", BidType.CPC, "0.20"), "b1") // 0.20 x 0.01 x 1000 = 2.00 eCPM
                .add(auction("cpm-low", BidType.CPM, "0.50"), "c1");
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1", "pv1"));
        assertTrue(d.filled(), d.reasons().toString());
        assertEquals("a1", d.placement().creative().id());
        assertEquals(2.00, d.placement().price(), 1e-9, "second price: the CPC campaign's eCPM");
        assertEquals(3, d.candidates().size());
        assertEquals("won", trace(d, "a1").outcome());
        assertEquals("outranked", trace(d, "b1").outcome());
        assertEquals(2.0, trace(d, "b1").ecpm(), 1e-9);
        assertEquals(0.01, trace(d, "b1").pCtr(), 1e-12);
        assertEquals("historical", trace(d, "b1").pCtrSource());
        CandidateTrace low = trace(d, "c1");
        assertEquals("below-reserve", low.outcome());
        List<String> ruleNames = trace(d, "a1").checks().stream().map(RuleCheck::rule).toList();
        assertEquals(List.of("status", "flight", "format", "budget", "page", "targeting", "caps", "pacing"),
                ruleNames);
        assertTrue(trace(d, "a1").checks().stream().allMatch(RuleCheck::passed));
    }

    @Test
    void aLoneBidderPaysTheReserveAndACpcWinnerPaysPerClick() {
        Fixture f = new Fixture().basics("1.00").add(auction("cpc", BidType.CPC, "0.50"), "b1");
        AdDecision d = f.start().decide(request("u1", null));
        // eCPM 5.00, reserve 1.00: pays 1.00 CPM = 1.00 / (1000 x 0.01) per click.
        assertEquals(0.10, d.placement().price(), 1e-9);
        assertEquals(5.0, d.placement().ecpm(), 1e-9);
    }

    @Test
    void higherTiersWinWhateverTheirEcpmAndPayTheirFixedBid() {
        Fixture f = new Fixture().basics("0")
                .add(auction("auction", BidType.CPM, "9.00"), "a1")
                .add(campaign("contract", Tier.CONTRACT, BidType.CPM, "2.00", null, List.of(), Set.of(), null,
                        PacingMode.ASAP), "k1")
                .add(campaign("house", Tier.REMNANT, BidType.CPM, "0.10", null, List.of(), Set.of(), null,
                        PacingMode.ASAP), "h1");
        AdDecision d = f.start().decide(request("u1", null));
        assertEquals("k1", d.placement().creative().id());
        assertEquals(2.00, d.placement().price(), 1e-9);
        assertEquals("lower-tier", trace(d, "a1").outcome());
        assertEquals("lower-tier", trace(d, "h1").outcome());
    }

    @Test
    void noFillIsAnAnswerWithReasons() {
        Fixture f = new Fixture().basics("0").add(campaign("de-only", Tier.AUCTION, BidType.CPM, "1", new Fixture()
                .rules.parse("{\"context\":\"country\",\"value\":\"FR\"}"), List.of(), Set.of(), null,
                PacingMode.ASAP), "a1", "a2");
        AdDecision d = f.start().decide(request("u1", null));
        assertFalse(d.filled());
        assertEquals(List.of("no eligible creative among 2: 2 failed targeting"), d.reasons());
        RuleCheck last = trace(d, "a1").checks().get(trace(d, "a1").checks().size() - 1);
        assertEquals("targeting", last.rule());
        assertEquals("$: context country eq FR: was DE", last.reason());
        assertThrows(AdNotFoundException.class, () -> f.engine.decide(new AdRequest("u1", "nope", null, null, null,
                null, null)));
    }

    @Test
    void frequencyCapsHoldAndSurviveARestart() {
        Fixture f = new Fixture().basics("0").add(campaign("capped", Tier.AUCTION, BidType.CPM, "1", null,
                List.of(new FrequencyCap(FrequencyCap.Scope.CAMPAIGN, 2, Duration.ofDays(1))), Set.of(), null,
                PacingMode.ASAP), "a1", "a2");
        AdEngine engine = f.start();
        for (int i = 0; i < 2; i++) {
            AdDecision d = engine.decide(request("u1", null));
            assertTrue(d.filled());
            assertTrue(engine.recordImpression(d.id()));
            assertFalse(engine.recordImpression(d.id()), "an impression counts once");
            f.clock.advance(Duration.ofMinutes(1));
        }
        AdDecision capped = engine.decide(request("u1", null));
        assertFalse(capped.filled());
        assertEquals("campaign 2/2 per PT24H reached", trace(capped, "a1").checks().get(6).reason());
        assertTrue(engine.decide(request("u2", null)).filled(), "other users are not capped");

        AdEngine restarted = new Fixture(f.store).start();
        assertFalse(restarted.decide(new AdRequest("u1", "top", null, null, null, null, f.clock.instant())).filled(),
                "caps come back from the delivery log");
        f.clock.advance(Duration.ofDays(1));
        assertTrue(engine.decide(request("u1", null)).filled(), "the window slides");
    }

    @Test
    void perCreativeAndPerSessionCaps() {
        Fixture f = new Fixture().basics("0").add(campaign("k", Tier.AUCTION, BidType.CPM, "1", null,
                List.of(new FrequencyCap(FrequencyCap.Scope.CREATIVE, 1, Duration.ofHours(1)),
                        new FrequencyCap(FrequencyCap.Scope.SESSION, 2, null)), Set.of(), null, PacingMode.ASAP),
                "a1", "a2", "a3");
        AdEngine engine = f.start();
        Set<String> shown = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            AdDecision d = engine.decide(request("u1", null));
            assertTrue(d.filled());
            assertTrue(shown.add(d.placement().creative().id()), "each creative once per hour");
            engine.recordImpression(d.id());
        }
        AdDecision third = engine.decide(request("u1", null));
        assertFalse(third.filled(), "session cap of 2");
        AdDecision otherSession = engine.decide(new AdRequest("u1", "top", null, "s2", null, null, null));
        assertTrue(otherSession.filled());
        assertFalse(shown.contains(otherSession.placement().creative().id()));
    }

    @Test
    void onePerCampaignPerPageViewCompetitiveExclusionAndSlotMaximum() {
        Fixture f = new Fixture().basics("0")
                .add(campaign("air1", Tier.AUCTION, BidType.CPM, "5", null, List.of(), Set.of("airline"), null,
                        PacingMode.ASAP), "x1", "x2")
                .add(campaign("air2", Tier.AUCTION, BidType.CPM, "4", null, List.of(), Set.of("airline"), null,
                        PacingMode.ASAP), "y1")
                .add(auction("shoes", BidType.CPM, "1"), "z1");
        AdEngine engine = f.start();
        AdDecision first = engine.decide(request("u1", "pv"));
        assertEquals("air1", first.placement().campaign().id());
        AdDecision second = engine.decide(request("u1", "pv"));
        assertEquals("shoes", second.placement().campaign().id());
        assertEquals("campaign already shown on this page view", trace(second, "x2").checks().get(4).reason());
        assertEquals("competitor with label 'airline' already on this page view",
                trace(second, "y1").checks().get(4).reason());
        AdDecision third = engine.decide(request("u1", "pv"));
        assertFalse(third.filled());
        assertTrue(third.reasons().get(0).contains("allows 2 per page"), third.reasons().toString());
        assertEquals("air1", engine.decide(request("u1", "pv-2")).placement().campaign().id());
    }

    @Test
    void impressionsAndClicksAreChargedRecordedAsEventsAndReported() {
        Fixture f = new Fixture().basics("0").add(auction("cpc", BidType.CPC, "0.40"), "b1")
                .add(auction("cpm", BidType.CPM, "1.00"), "a1");
        AdEngine engine = f.start();
        // eCPM: cpc 4.00 vs cpm 1.00: cpc wins and pays 1.00 CPM = 0.10 per click.
        AdDecision d = engine.decide(request("u1", null));
        assertEquals("b1", d.placement().creative().id());
        assertFalse(engine.recordClick(d.id()), "no click before the impression");
        assertTrue(engine.recordImpression(d.id()));
        assertTrue(engine.recordClick(d.id()));
        assertFalse(engine.recordClick(d.id()), "a click counts once");
        assertFalse(engine.recordImpression("unknown"));

        assertEquals(2, f.events.size());
        Event impression = f.events.get(0);
        assertEquals(EventType.IMPRESSION, impression.type());
        assertEquals("u1", impression.userId());
        assertEquals("b1", impression.context().creative());
        assertEquals("cpc", impression.context().campaign());
        assertEquals("top", impression.context().slot());
        assertEquals("ads", impression.context().channel());
        assertEquals(EventType.AD_CLICK, f.events.get(1).type());
        assertEquals(0.10, f.events.get(1).price().doubleValue(), 1e-9);

        var report = engine.report("cpc");
        assertEquals(1, report.impressions());
        assertEquals(1, report.clicks());
        assertEquals(0.10, report.spend(), 1e-9);
        assertEquals(1.0, report.ctr(), 1e-9);
        assertEquals(2, f.store.deliveries());
        // The historical CTR learns from the click: above the 1% prior now.
        assertTrue(trace(engine.decide(request("u2", null)), "b1").pCtr() > 0.01);
    }

    @Test
    void decisionsExpire() {
        Fixture f = new Fixture().basics("0").add(auction("k", BidType.CPM, "1"), "a1");
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1", null));
        f.clock.advance(Duration.ofHours(2));
        assertFalse(engine.recordImpression(d.id()));
    }

    @Test
    void cpmBudgetsStopDeliveryWithoutOvershoot() {
        // The reserve equals the bid, so the lone bidder pays its bid.
        Fixture f = new Fixture().basics("10").add(campaign("small", Tier.AUCTION, BidType.CPM, "10", null, List.of(),
                Set.of(), "0.05", PacingMode.ASAP), "a1");
        AdEngine engine = f.start();
        int shown = 0;
        for (int i = 0; i < 20; i++) {
            AdDecision d = engine.decide(request("u" + i, null));
            if (d.filled() && engine.recordImpression(d.id())) {
                shown++;
            }
        }
        // 10 CPM = 0.01 per impression: 5 fit into 0.05.
        assertEquals(5, shown);
        assertEquals(0.05, engine.report("small").todaySpend(), 1e-9);
        AdDecision after = engine.decide(request("late", null));
        assertTrue(trace(after, "a1").checks().get(3).reason().startsWith("daily budget 0.05 spent"));
    }

    @Test
    void personalTargetingHonoursAdsConsentWithAConfigurableDefault() {
        Fixture f = new Fixture().basics("0").add(campaign("vip", Tier.AUCTION, BidType.CPM, "1",
                new Fixture().rules.parse("{\"segment\":\"vip\"}"), List.of(), Set.of(), null, PacingMode.ASAP), "a1");
        Instant t = Fixture.T0;
        f.profiles.put("yes", new Profile("yes", Map.of("segments", "vip,runners"), new Consent(null, null, true), t, t));
        f.profiles.put("no", new Profile("no", Map.of("segments", "vip"), new Consent(null, null, false), t, t));
        f.profiles.put("unknown", new Profile("unknown", Map.of("segments", "vip"), Consent.UNKNOWN, t, t));
        AdEngine engine = f.start();
        assertTrue(engine.decide(request("yes", null)).filled());
        AdDecision no = engine.decide(request("no", null));
        assertFalse(no.filled());
        assertTrue(trace(no, "a1").checks().get(5).reason().contains("no ads consent"));
        assertFalse(engine.decide(request("unknown", null)).filled());

        Settings s = f.settings;
        AdEngine lenient = new Fixture(f.store).withSettings(new Settings(true, s.userZone(), s.pacingZone(),
                s.exploration(), s.cpaConversionRate(), s.historyLimit(), s.decisionTtl(), s.pacingSlot(),
                s.pacingAdjust(), s.pacingInitialRate(), s.pacingMinRate(), s.ctrPriorMean(), s.ctrPriorStrength()))
                .start();
        // The lenient fixture has no profiles: the unknown user is not in a segment either way.
        assertFalse(lenient.decide(request("unknown", null)).filled());
    }

    @Test
    void behaviourTargetingReadsTheUsersRecentEventsWithCategories() {
        Fixture f = new Fixture().basics("0").add(campaign("shoes", Tier.AUCTION, BidType.CPM, "1",
                new Fixture().rules.parse("{\"behaviour\":\"view\",\"category\":\"Shoes\",\"withinDays\":7}"),
                List.of(), Set.of(), null, PacingMode.ASAP), "a1");
        Instant t = Fixture.T0;
        f.profiles.put("u1", new Profile("u1", Map.of(), new Consent(null, null, true), t, t));
        f.profiles.put("u2", new Profile("u2", Map.of(), new Consent(null, null, true), t, t));
        f.history.put("u1", List.of(new Event("e1", EventType.VIEW, "u1", "i1", 1, t.minus(Duration.ofDays(2)))));
        f.history.put("u2", List.of(new Event("e2", EventType.VIEW, "u2", "i1", 1, t.minus(Duration.ofDays(9)))));
        f.categories.put("i1", "Shoes > Running");
        AdEngine engine = f.start();
        assertTrue(engine.decide(request("u1", null)).filled());
        assertFalse(engine.decide(request("u2", null)).filled());
    }

    @Test
    void aPluginRuleJoinsWithoutTouchingTheEngineAndIsTraced() {
        Fixture f = new Fixture().basics("0").add(auction("k", BidType.CPM, "1"), "a1");
        AdEngine engine = f.start();
        PlacementRule brandSafety = (candidate, context) -> {
            String category = context.facts().context(ContextField.CATEGORY);
            return category != null && category.startsWith("News > Crime")
                    ? RuleCheck.fail("ignored", "unsafe page category " + category)
                    : RuleCheck.pass("ignored", "safe");
        };
        engine.plugins(List.of(new NamedRule("brand-safety", brandSafety)));
        AdDecision unsafe = engine.decide(new AdRequest("u1", "top", null, null,
                Map.of(ContextField.CATEGORY, "News > Crime"), null, null));
        assertFalse(unsafe.filled());
        RuleCheck last = trace(unsafe, "a1").checks().get(trace(unsafe, "a1").checks().size() - 1);
        assertEquals("brand-safety", last.rule());
        assertEquals("unsafe page category News > Crime", last.reason());
        assertTrue(engine.decide(new AdRequest("u1", "top", null, null, Map.of(ContextField.CATEGORY, "Sport"), null,
                null)).filled());

        PlacementRule broken = (candidate, context) -> {
            throw new IllegalStateException("boom");
        };
        engine.plugins(List.of(new NamedRule("broken", broken)));
        AdDecision d = engine.decide(request("u1", null));
        assertFalse(d.filled());
        assertTrue(d.reasons().get(0).contains("1 failed broken"), d.reasons().toString());
        engine.plugins(List.of());
        assertTrue(engine.decide(request("u1", null)).filled());
    }

    @Test
    void theAdModelGivesPctrWhenLoaded() {
        Fixture f = new Fixture().basics("0").add(auction("a", BidType.CPC, "1"), "a1")
                .add(auction("b", BidType.CPC, "1"), "b1");
        ModelInfo model = new ModelInfo("ads", "3", List.of("f"), Map.of(), null, Fixture.T0);
        f.scorer = new InterestScorer() {
            @Override
            public Optional<ModelInfo> activeModel() {
                return Optional.of(model);
            }

            @Override
            public ScoreResult score(String userId, List<String> itemIds) {
                Map<String, Double> scores = new HashMap<>();
                itemIds.forEach(i -> scores.put(i, i.equals("b1") ? 0.05 : 0.02));
                return new ScoreResult(model, scores);
            }
        };
        AdDecision d = f.start().decide(request("u1", null));
        assertEquals("b1", d.placement().creative().id());
        assertEquals("model:ads@3", trace(d, "b1").pCtrSource());
        assertEquals(50.0, trace(d, "b1").ecpm(), 1e-9);
        // GSP: pays a's eCPM (20) per mille = 20 / (1000 x 0.05) per click.
        assertEquals(0.4, d.placement().price(), 1e-9);
    }

    @Test
    void explorationPicksAtRandomAndSaysSo() {
        Fixture f = new Fixture().basics("0.5").add(auction("a", BidType.CPM, "5"), "a1")
                .add(auction("b", BidType.CPM, "1"), "b1");
        Settings s = f.settings;
        f.withSettings(new Settings(false, s.userZone(), s.pacingZone(), 0.5, s.cpaConversionRate(), s.historyLimit(),
                s.decisionTtl(), s.pacingSlot(), s.pacingAdjust(), s.pacingInitialRate(), s.pacingMinRate(),
                s.ctrPriorMean(), s.ctrPriorStrength()));
        AdEngine engine = f.start();
        int explored = 0;
        int lowWins = 0;
        for (int i = 0; i < 400; i++) {
            AdDecision d = engine.decide(request("u" + i, null));
            if (d.placement().explored()) {
                explored++;
                assertEquals(0.5, d.placement().price(), 1e-9, "explored wins pay the reserve");
                assertTrue(d.reasons().get(0).startsWith("exploration"));
            }
            if (d.placement().creative().id().equals("b1")) {
                lowWins++;
                assertTrue(d.placement().explored());
            }
        }
        assertTrue(explored > 150 && explored < 250, "about half explored: " + explored);
        assertTrue(lowWins > 50, "exploration shows the low bidder: " + lowWins);
    }

    @Test
    void pausedAndOutOfFlightCampaignsAreNotEligible() {
        Fixture f = new Fixture().basics("0").add(auction("k", BidType.CPM, "1"), "a1");
        AdEngine engine = f.start();
        var paused = new dev.rialto.api.ads.Creative("a1", "k", "banner", "300x250", "H", "", null,
                "https://example.com", List.of(), dev.rialto.api.ads.AdStatus.PAUSED);
        f.inventory.save(paused);
        AdDecision d = engine.decide(request("u1", null));
        assertEquals("creative is paused", trace(d, "a1").checks().get(0).reason());
        assertNull(trace(d, "a1").ecpm());
        AdDecision before = engine.decide(new AdRequest("u1", "top", null, null, null, null,
                Fixture.T0.minus(Duration.ofDays(3))));
        assertNotNull(before);
    }
}
