package dev.rialto.ads.internal.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.ads.internal.engine.AdEngine;
import dev.rialto.ads.internal.engine.Inventory;
import dev.rialto.ads.internal.engine.Services;
import dev.rialto.ads.internal.engine.Settings;
import dev.rialto.ads.internal.rules.RuleEvaluatorComponent;
import dev.rialto.ads.internal.store.MemoryAdStore;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdTextTest {

    @Test
    void decisionCampaignsAndReportReadWell() {
        MemoryAdStore store = new MemoryAdStore();
        Inventory inventory = new Inventory(store);
        inventory.save(new Advertiser("adv", "Acme", AdStatus.ACTIVE));
        AdCampaign k = new AdCampaign("k1", "adv", "Spring", AdStatus.ACTIVE, Instant.parse("2020-01-01T00:00:00Z"),
                null, null, new BigDecimal("100"), BidType.CPM, new BigDecimal("2"), Tier.AUCTION, null, List.of(),
                Set.of(), PacingMode.EVEN);
        inventory.save(k);
        inventory.save(new Creative("c1", "k1", "banner", null, "Hi", "", null, "https://e.com", List.of(),
                AdStatus.ACTIVE));
        inventory.save(new Creative("c2", "k1", "banner", null, "Ho", "", null, "https://e.com", List.of(),
                AdStatus.PAUSED));
        inventory.save(new Slot("top", "Top", "banner", null, BigDecimal.ONE, null, 1));
        SplittableRandom random = new SplittableRandom(3);
        Settings d = Settings.defaults();
        AdEngine engine = new AdEngine(inventory, store, new RuleEvaluatorComponent(), Services.NONE,
                new Settings(false, d.userZone(), d.pacingZone(), 0, 0.05, 0, d.decisionTtl(), d.pacingSlot(), 0.1, 1.0,
                        0.001, 0.01, 200), Clock.systemUTC(), () -> random);
        AdDecision decision = engine.decide(new AdRequest("u1", "top", null, null, null, null, null));
        String text = AdText.decision(decision, false);
        assertTrue(text.contains("creative c1 (campaign k1, auction cpm) price 1.0000"), text);
        assertTrue(text.contains("FAIL status: creative is paused"), text);
        assertTrue(text.contains("pass pacing: pass rate 1.000"), text);
        engine.recordImpression(decision.id());
        String list = AdText.campaigns(inventory.campaigns(), engine);
        assertTrue(list.contains("k1") && list.contains("100"), list);
        String report = AdText.report(engine.report("k1"), k);
        assertTrue(report.contains("all time: 1 impressions, 0 clicks, CTR 0.00%, 0 conversions, CPA -, spend 0.00"),
                report);
        assertTrue(report.contains("pacing: planned"), report);
    }
}
