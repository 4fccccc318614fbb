package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.util.HashMap;
import java.util.Map;

/**
 * Impression and click counts of ad creatives and campaigns, from {@code impression} and {@code ad_click} events
 * (the ads engine records one of each per decision, with the creative and campaign in the event context). Mutable
 * while the snapshot is built, read-only afterwards.
 */
final class AdStats {
    /** Weight of the prior, in impressions, for every smoothed rate. */
    static final double PRIOR_STRENGTH = 100;
    /** The prior CTR before any ad event is seen. */
    static final double DEFAULT_CTR = 0.01;

    /** creative or campaign id to {impressions, clicks}. */
    final Map<String, long[]> creatives = new HashMap<>();
    final Map<String, long[]> campaigns = new HashMap<>();
    final Map<String, String> campaignOf = new HashMap<>();
    long impressions;
    long clicks;

    void accept(Event e) {
        if (!e.type().isAd() || e.context().creative() == null) {
            return;
        }
        int click = e.type() == EventType.AD_CLICK ? 1 : 0;
        int impression = 1 - click;
        impressions += impression;
        clicks += click;
        count(creatives, e.context().creative(), impression, click);
        if (e.context().campaign() != null) {
            campaignOf.put(e.context().creative(), e.context().campaign());
            count(campaigns, e.context().campaign(), impression, click);
        }
    }

    private static void count(Map<String, long[]> map, String key, int impression, int click) {
        long[] c = map.computeIfAbsent(key, k -> new long[2]);
        c[0] += impression;
        c[1] += click;
    }

    double globalCtr() {
        return smooth(impressions, clicks, DEFAULT_CTR);
    }

    double campaignCtr(String creative) {
        String campaign = campaignOf.get(creative);
        long[] c = campaign == null ? null : campaigns.get(campaign);
        return c == null ? globalCtr() : smooth(c[0], c[1], globalCtr());
    }

    double creativeCtr(String creative) {
        long[] c = creatives.get(creative);
        double prior = campaignCtr(creative);
        return c == null ? prior : smooth(c[0], c[1], prior);
    }

    long creativeImpressions(String creative) {
        long[] c = creatives.get(creative);
        return c == null ? 0 : c[0];
    }

    /** (clicks + prior x k) / (impressions + k); clicks never count above impressions. */
    static double smooth(long impressions, long clicks, double prior) {
        return (Math.min(clicks, impressions) + prior * PRIOR_STRENGTH) / (impressions + PRIOR_STRENGTH);
    }

    /** logit(p) / 10, p kept inside (1e-6, 1 - 1e-6). */
    static float logit(double p) {
        double q = Math.max(1e-6, Math.min(1 - 1e-6, p));
        return (float) (Math.log(q / (1 - q)) / 10);
    }
}
