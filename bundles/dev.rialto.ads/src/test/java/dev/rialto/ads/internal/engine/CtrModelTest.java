package dev.rialto.ads.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CtrModelTest {

    @Test
    void creativesShrinkTowardsTheirCampaignAndDevicesTowardsTheirCreative() {
        CtrModel model = new CtrModel(0.01, 100, 0.05, 100);
        assertEquals(0.01, model.ctr("c1", "k", "mobile"), 1e-12, "nothing known: the prior");
        for (int i = 0; i < 1000; i++) {
            model.impression("c1", "k", i % 2 == 0 ? "mobile" : "desktop");
        }
        for (int i = 0; i < 60; i++) {
            model.click("c1", "k", "mobile");
        }
        // Campaign: (60 + 0.01 x 100) / (1000 + 100); the creative shrinks towards that with its own counts.
        double campaign = 61.0 / 1100;
        double creative = (60 + campaign * 100) / 1100;
        assertEquals(creative, model.ctr("c1", "k"), 1e-12);
        assertEquals(creative, model.ctr("c1", "k", null), 1e-12);
        assertEquals((60 + creative * 100) / 600, model.ctr("c1", "k", "mobile"), 1e-12);
        assertEquals((0 + creative * 100) / 600, model.ctr("c1", "k", "desktop"), 1e-12);
        assertTrue(model.ctr("c1", "k", "mobile") > model.ctr("c1", "k", "desktop"));
        assertEquals(campaign, model.ctr("c2", "k", "tv"), 1e-12, "a new creative starts at its campaign's rate");
    }

    @Test
    void conversionRateIsSmoothedPerCampaignAndSeededFromTheLog() {
        CtrModel model = new CtrModel(0.01, 100, 0.05, 100);
        assertEquals(0.05, model.cvr("k"), 1e-12);
        model.seed(Map.of("c1", new long[] {1000, 20, 4}), Map.of("c1", "k"));
        assertEquals((4 + 5.0) / (20 + 100), model.cvr("k"), 1e-12);
        model.click("c1", "k");
        model.conversion("k");
        assertEquals((5 + 5.0) / (21 + 100), model.cvr("k"), 1e-12);
    }
}
