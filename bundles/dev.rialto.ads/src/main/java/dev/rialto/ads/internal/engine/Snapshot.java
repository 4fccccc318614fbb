package dev.rialto.ads.internal.engine;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.Slot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the inventory, indexed for decisions: creatives by format (archived ones left out). Rebuilt
 * on every change; decisions read whichever snapshot was current when they started.
 */
public final class Snapshot {
    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), List.of(), List.of());

    final Map<String, Advertiser> advertisers = new LinkedHashMap<>();
    final Map<String, AdCampaign> campaigns = new LinkedHashMap<>();
    final Map<String, Creative> creatives = new LinkedHashMap<>();
    final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, List<Creative>> byFormat = new HashMap<>();
    private final Duration longestCapWindow;

    public Snapshot(List<Advertiser> advertisers, List<AdCampaign> campaigns, List<Creative> creatives,
            List<Slot> slots) {
        advertisers.forEach(a -> this.advertisers.put(a.id(), a));
        campaigns.forEach(c -> this.campaigns.put(c.id(), c));
        creatives.forEach(c -> this.creatives.put(c.id(), c));
        slots.forEach(s -> this.slots.put(s.id(), s));
        Duration longest = Duration.ofHours(1);
        for (AdCampaign c : campaigns) {
            for (FrequencyCap cap : c.caps()) {
                if (cap.window() != null && cap.window().compareTo(longest) > 0) {
                    longest = cap.window();
                }
            }
        }
        longestCapWindow = longest;
        for (Creative c : creatives) {
            AdCampaign campaign = this.campaigns.get(c.campaignId());
            if (c.status() != AdStatus.ARCHIVED && campaign != null && campaign.status() != AdStatus.ARCHIVED) {
                byFormat.computeIfAbsent(c.format(), k -> new ArrayList<>()).add(c);
            }
        }
        byFormat.replaceAll((k, v) -> List.copyOf(v));
    }

    public List<Creative> creativesOfFormat(String format) {
        return byFormat.getOrDefault(format, List.of());
    }

    public int creativesOfOtherFormats(String format) {
        int n = 0;
        for (Map.Entry<String, List<Creative>> e : byFormat.entrySet()) {
            if (!e.getKey().equals(format)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    public AdCampaign campaign(String id) {
        return campaigns.get(id);
    }

    public Advertiser advertiser(String id) {
        return advertisers.get(id);
    }

    public Creative creative(String id) {
        return creatives.get(id);
    }

    public Slot slot(String id) {
        return slots.get(id);
    }

    /** The longest cap window of any campaign: how far back a user's impressions are kept. */
    public Duration longestCapWindow() {
        return longestCapWindow;
    }

    public List<AdCampaign> campaigns() {
        return List.copyOf(campaigns.values());
    }
}
