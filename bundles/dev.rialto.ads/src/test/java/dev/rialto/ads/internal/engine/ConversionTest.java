package dev.rialto.ads.internal.engine;

import static dev.rialto.ads.internal.engine.Fixture.campaign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.CampaignReport;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConversionTest {

    private static AdRequest request(String user) {
        return new AdRequest(user, "top", null, "s1", null, null, null);
    }

    private static Event purchase(String id, String user, Instant at) {
        return new Event(id, EventType.PURCHASE, user, "sku-1", 1, at);
    }

    private static Fixture cpa(String daily) {
        return new Fixture().basics("0").add(campaign("cpa", Tier.AUCTION, BidType.CPA, "10", null, List.of(),
                Set.of(), daily, PacingMode.ASAP), "a1");
    }

    @Test
    void aPurchaseAfterAClickIsAttributedChargedPerConversionAndReported() {
        Fixture f = cpa(null);
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1"));
        assertTrue(engine.recordImpression(d.id()));
        assertTrue(engine.recordClick(d.id()));
        assertEquals(0, engine.report("cpa").spend(), 1e-12, "CPA pays neither impressions nor clicks");

        Instant t = f.clock.instant();
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("p0", "u1", t.minusSeconds(60))),
                "a purchase before the click is not its conversion");
        assertEquals(Optional.of("cpa"), engine.recordPurchase(purchase("p1", "u1", t.plus(Duration.ofHours(2)))));
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("p1", "u1", t.plus(Duration.ofHours(2)))),
                "a re-sent purchase counts once");
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("p2", "u2", t.plus(Duration.ofHours(2)))),
                "another user's purchase");
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("p3", "u1", t.plus(Duration.ofDays(8)))),
                "outside the 7-day click window");
        assertEquals(Optional.empty(), engine.recordPurchase(new Event("v1", EventType.VIEW, "u1", "sku-1", 1,
                t.plusSeconds(5))), "only purchases convert");
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("old", "u1", t.minus(Duration.ofDays(30)))),
                "a back-filled purchase older than every window is skipped");

        CampaignReport r = engine.report("cpa");
        assertEquals(1, r.conversions());
        assertEquals(1, r.todayConversions());
        assertEquals(10.0, r.spend(), 1e-9);
        assertEquals(10.0, r.cpa(), 1e-9);
        assertEquals(3, f.store.deliveries(), "impression, click, conversion logged");

        // After a restart the click is read back from the log and still converts.
        AdEngine restarted = f.start();
        assertEquals(Optional.of("cpa"), restarted.recordPurchase(purchase("p4", "u1", t.plus(Duration.ofDays(1)))));
        assertEquals(2, restarted.report("cpa").conversions());
        assertEquals(20.0, restarted.report("cpa").spend(), 1e-9);
    }

    @Test
    void viewThroughConversionsUseTheShorterImpressionWindow() {
        Fixture f = cpa(null);
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1"));
        assertTrue(engine.recordImpression(d.id()));
        Instant t = f.clock.instant();
        assertEquals(Optional.empty(), engine.recordPurchase(purchase("late", "u1", t.plus(Duration.ofHours(25)))));
        assertEquals(Optional.of("cpa"), engine.recordPurchase(purchase("soon", "u1", t.plus(Duration.ofHours(3)))));
    }

    @Test
    void chargesNeverExceedTheDailyBudget() {
        Fixture f = cpa("15");
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1"));
        engine.recordImpression(d.id());
        engine.recordClick(d.id());
        Instant t = f.clock.instant();
        engine.recordPurchase(purchase("p1", "u1", t.plusSeconds(10)));
        engine.recordPurchase(purchase("p2", "u1", t.plusSeconds(20)));
        engine.recordPurchase(purchase("p3", "u1", t.plusSeconds(30)));
        CampaignReport r = engine.report("cpa");
        assertEquals(3, r.conversions());
        assertEquals(15.0, r.todaySpend(), 1e-9, "10 + the 5 left; the third is free");
        assertEquals(5.0, r.cpa(), 1e-9);
    }

    @Test
    void cpaEcpmIsBidTimesPctrTimesTheLearnedConversionRate() {
        Fixture f = cpa(null);
        AdEngine engine = f.start();
        AdDecision first = engine.decide(request("u1"));
        var before = first.candidates().get(0);
        // No history: pCVR is the configured prior 0.05.
        assertEquals(10 * before.pCtr() * 0.05 * 1000, before.ecpm(), 1e-9);
        assertEquals(0.05, before.pCvr(), 1e-12, "the trace shows the pCVR the eCPM was computed with");
        engine.recordImpression(first.id());
        engine.recordClick(first.id());
        Instant t = f.clock.instant();
        for (int i = 0; i < 5; i++) {
            engine.recordPurchase(purchase("p" + i, "u1", t.plusSeconds(i + 1)));
        }
        var after = engine.decide(request("u2")).candidates().get(0);
        // 5 conversions on 1 click, smoothed with 100 prior clicks at 0.05: (5 + 5) / (1 + 100).
        assertEquals(10 * after.pCtr() * (10.0 / 101) * 1000, after.ecpm(), 1e-9);
        assertEquals(10.0 / 101, after.pCvr(), 1e-12);
        assertFalse(after.ecpm() <= before.ecpm());
    }

    @Test
    void pCvrIsTracedOnlyForEligibleCpaCandidates() {
        Fixture f = cpa(null).add(campaign("cpm", Tier.AUCTION, BidType.CPM, "1", null, List.of(), Set.of(), null,
                PacingMode.ASAP), "m1");
        AdEngine engine = f.start();
        AdDecision d = engine.decide(request("u1"));
        var byCampaign = new java.util.HashMap<String, dev.rialto.api.ads.CandidateTrace>();
        d.candidates().forEach(c -> byCampaign.put(c.campaignId(), c));
        assertEquals(0.05, byCampaign.get("cpa").pCvr(), 1e-12);
        assertEquals(null, byCampaign.get("cpm").pCvr(), "a CPM candidate has no pCVR");
        var json = dev.rialto.ads.internal.rest.DecisionJson.tree(d, true);
        boolean sawCpa = false;
        for (var node : json.get("trace")) {
            if (node.get("campaign").asText().equals("cpa")) {
                assertEquals(0.05, node.get("pCvr").asDouble(), 1e-12);
                sawCpa = true;
            } else {
                assertFalse(node.has("pCvr"), "no pCvr field for " + node.get("campaign").asText());
            }
        }
        assertTrue(sawCpa);
    }
}
