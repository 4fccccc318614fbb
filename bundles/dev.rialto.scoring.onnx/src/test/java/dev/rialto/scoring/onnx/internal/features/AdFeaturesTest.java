package dev.rialto.scoring.onnx.internal.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventType;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdFeaturesTest {
    private static final Instant T = Instant.parse("2026-03-01T00:00:00Z");
    private final EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
    private int n;

    private Event ad(EventType type, String user, String campaign, String creative) {
        n++;
        return new Event("ad-d" + n + "-" + type.wireName(), type, user, null, 1, T.plusSeconds(n), null, null,
                new EventContext("ads", campaign, "top", creative));
    }

    /** Impressions of a creative by distinct users, the first {@code clicks} of them clicked. */
    private void shown(List<Event> out, String campaign, String creative, int impressions, int clicks) {
        for (int i = 0; i < impressions; i++) {
            out.add(ad(EventType.IMPRESSION, "x" + i, campaign, creative));
            if (i < clicks) {
                out.add(ad(EventType.AD_CLICK, "x" + i, campaign, creative));
            }
        }
    }

    private float[][] extract(Snapshot s, List<Event> history, List<String> creatives) {
        List<String> names = Feature.AD.stream().map(Feature::featureName).toList();
        FloatBuffer out = FloatBuffer.allocate(creatives.size() * names.size());
        extractor.extract(s, history, creatives, names, out);
        float[][] rows = new float[creatives.size()][names.size()];
        for (int r = 0; r < rows.length; r++) {
            out.get(r * names.size(), rows[r]);
        }
        return rows;
    }

    private static float logit(double p) {
        return (float) (Math.log(p / (1 - p)) / 10);
    }

    @Test
    void creativeAndCampaignRatesAreSmoothedFromImpressionAndClickEvents() {
        List<Event> events = new ArrayList<>();
        shown(events, "k1", "good", 400, 20);
        shown(events, "k1", "poor", 400, 0);
        shown(events, "k2", "other", 200, 2);
        // A view of an item is not an ad event and changes no ad count.
        events.add(new Event("v1", EventType.VIEW, "x1", "sku", 1, T));
        Snapshot s = (Snapshot) extractor.snapshot(Map.of(), events);
        assertEquals(1000, s.ads.impressions);
        assertEquals(22, s.ads.clicks);

        float[][] rows = extract(s, List.of(), List.of("good", "poor", "new"));
        double global = (22 + 0.01 * 100) / (1000 + 100.0);
        double campaign = (20 + global * 100) / (800 + 100.0);
        assertEquals(logit((20 + campaign * 100) / 500.0), rows[0][0], 1e-6, "good: own clicks, campaign prior");
        assertEquals(logit((0 + campaign * 100) / 500.0), rows[1][0], 1e-6, "poor");
        assertEquals(logit(campaign), rows[0][1], 1e-6, "campaign rate");
        assertEquals(logit(global), rows[2][0], 1e-6, "an unknown creative starts at the global rate");
        assertEquals((float) (Math.log1p(400) / 20), rows[0][5], 1e-6);
        assertEquals(0f, rows[2][5]);
        assertTrue(rows[0][0] > rows[1][0]);
    }

    @Test
    void userFeaturesComeFromTheHistory() {
        List<Event> events = new ArrayList<>();
        shown(events, "k1", "good", 300, 3);
        Snapshot s = (Snapshot) extractor.snapshot(Map.of(), events);
        List<Event> clicker = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clicker.add(ad(EventType.IMPRESSION, "u", "k1", "good"));
            clicker.add(ad(EventType.AD_CLICK, "u", "k1", "good"));
        }
        clicker.add(ad(EventType.IMPRESSION, "u", "k1", "poor"));
        float[][] rows = extract(s, clicker, List.of("good", "poor", "never"));
        double global = (3 + 1.0) / 400;
        assertEquals(logit((4 + global * 100) / 105), rows[0][2], 1e-6, "user CTR: 4 clicks in 5 impressions");
        assertEquals(rows[0][2], rows[2][2], "the same for every candidate");
        assertEquals((float) (Math.log1p(5) / 10), rows[0][3], 1e-6);
        assertEquals((float) (Math.log1p(4) / 10), rows[0][4], 1e-6, "seen good 4 times");
        assertEquals((float) (Math.log1p(1) / 10), rows[1][4], 1e-6);
        assertEquals(0f, rows[2][4]);

        float[][] stranger = extract(s, List.of(), List.of("good"));
        assertEquals(logit(global), stranger[0][2], 1e-6, "no history: the global rate");
        assertTrue(rows[0][2] > stranger[0][2]);
    }

    @Test
    void itemFeatureListHasNoAdColumns() {
        assertTrue(Feature.ITEM_NAMES.stream().noneMatch(f -> f.startsWith("ad_")));
        assertEquals(Feature.NAMES.size(), Feature.ITEM_NAMES.size() + Feature.AD.size());
    }
}
