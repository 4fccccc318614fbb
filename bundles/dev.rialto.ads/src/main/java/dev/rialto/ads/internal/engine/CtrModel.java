package dev.rialto.ads.internal.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Smoothed historical click-through rate: a Beta prior, shrinking a creative's CTR towards its campaign's, and the
 * campaign's towards the global prior mean. With {@code k} the prior strength (pseudo-impressions):
 * {@code ctr(campaign) = (clicks + m k) / (impressions + k)}, {@code ctr(creative) = (clicks + ctr(campaign) k) /
 * (impressions + k)}. New creatives start at their campaign's rate; their own data takes over after ~k impressions.
 * When the request names a device, a third level refines the creative's rate per device ({@code creative|device},
 * shrunk towards the creative's rate the same way): creatives often do better on one kind of screen. Counts per
 * device are learnt in memory only (the delivery log has no device); after a restart they start from the
 * creative's rate again.
 * The conversion rate (pCVR, for CPA bids) is smoothed the same way per campaign: attributed conversions per click
 * with the configured prior rate and weight.
 */
public final class CtrModel {
    private final double priorMean;
    private final double strength;
    private final Map<String, AtomicLongArray> creatives = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> campaigns = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> conversions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> byDevice = new ConcurrentHashMap<>();
    static final int MAX_DEVICE_KEYS = 200_000;
    private final double cvrPrior;
    private final double cvrStrength;

    public CtrModel(double priorMean, double strength, double cvrPrior, double cvrStrength) {
        if (!(priorMean > 0 && priorMean < 1)) {
            throw new IllegalArgumentException("ctr.prior.mean must be between 0 and 1 exclusive, was " + priorMean);
        }
        if (!(strength > 0)) {
            throw new IllegalArgumentException("ctr.prior.strength must be positive, was " + strength);
        }
        this.priorMean = priorMean;
        this.strength = strength;
        this.cvrPrior = cvrPrior;
        this.cvrStrength = cvrStrength;
    }

    /**
     * Seeds the counts: creative id to {@code [impressions, clicks, conversions]}, with each creative's campaign.
     */
    public void seed(Map<String, long[]> counts, Map<String, String> campaignOfCreative) {
        counts.forEach((creative, c) -> {
            add(creatives, creative, c[0], c[1]);
            String campaign = campaignOfCreative.get(creative);
            if (campaign != null) {
                add(campaigns, campaign, c[0], c[1]);
                if (c.length > 2) {
                    add(conversions, campaign, c[2], 0);
                }
            }
        });
    }

    private static void add(Map<String, AtomicLongArray> map, String key, long impressions, long clicks) {
        AtomicLongArray a = map.computeIfAbsent(key, k -> new AtomicLongArray(2));
        a.addAndGet(0, impressions);
        a.addAndGet(1, clicks);
    }

    public void impression(String creative, String campaign) {
        impression(creative, campaign, null);
    }

    public void click(String creative, String campaign) {
        click(creative, campaign, null);
    }

    public void impression(String creative, String campaign, String device) {
        add(creatives, creative, 1, 0);
        add(campaigns, campaign, 1, 0);
        if (device != null) {
            addByDevice(creative + '|' + device, 1, 0);
        }
    }

    public void click(String creative, String campaign, String device) {
        add(creatives, creative, 0, 1);
        add(campaigns, campaign, 0, 1);
        if (device != null) {
            addByDevice(creative + '|' + device, 0, 1);
        }
    }

    // Devices are request text: bounded, so odd values cannot grow the map without end.
    private void addByDevice(String key, long impressions, long clicks) {
        if (byDevice.size() < MAX_DEVICE_KEYS || byDevice.containsKey(key)) {
            add(byDevice, key, impressions, clicks);
        }
    }

    /** The creative's rate on the device, or its rate overall when the device is null. */
    public double ctr(String creative, String campaign, String device) {
        double creativeRate = ctr(creative, campaign);
        return device == null ? creativeRate : smooth(byDevice.get(creative + '|' + device), creativeRate);
    }

    public void conversion(String campaign) {
        add(conversions, campaign, 1, 0);
    }

    /** The campaign's smoothed conversions per click. */
    public double cvr(String campaign) {
        AtomicLongArray counts = campaigns.get(campaign);
        AtomicLongArray converted = conversions.get(campaign);
        double clicks = counts == null ? 0 : counts.get(1);
        double actions = converted == null ? 0 : converted.get(0);
        return Math.min(1, (actions + cvrPrior * cvrStrength) / (clicks + cvrStrength));
    }

    public double ctr(String creative, String campaign) {
        double campaignRate = smooth(campaigns.get(campaign), priorMean);
        return smooth(creatives.get(creative), campaignRate);
    }

    private double smooth(AtomicLongArray counts, double prior) {
        if (counts == null) {
            return prior;
        }
        double impressions = counts.get(0);
        double clicks = Math.min(counts.get(1), counts.get(0));
        return (clicks + prior * strength) / (impressions + strength);
    }
}
