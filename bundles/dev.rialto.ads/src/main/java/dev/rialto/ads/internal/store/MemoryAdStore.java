package dev.rialto.ads.internal.store;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.Slot;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory store, for tests and the simulation benchmark. Delivery is indexed by user as the JDBC index is. */
public final class MemoryAdStore implements AdStore {
    private final Map<String, Advertiser> advertisers = new LinkedHashMap<>();
    private final Map<String, AdCampaign> campaigns = new LinkedHashMap<>();
    private final Map<String, Creative> creatives = new LinkedHashMap<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, List<Delivery>> impressionsByUser = new HashMap<>();
    private final Map<String, List<Delivery>> clicksByUser = new HashMap<>();
    private final Map<String, long[]> counts = new HashMap<>();
    private final Map<LocalDate, Map<String, Totals>> spend = new HashMap<>();
    private long deliveries;

    @Override
    public synchronized List<Advertiser> advertisers() {
        return List.copyOf(advertisers.values());
    }

    @Override
    public synchronized List<AdCampaign> campaigns() {
        return List.copyOf(campaigns.values());
    }

    @Override
    public synchronized List<Creative> creatives() {
        return List.copyOf(creatives.values());
    }

    @Override
    public synchronized List<Slot> slots() {
        return List.copyOf(slots.values());
    }

    @Override
    public synchronized void save(Advertiser advertiser) {
        advertisers.put(advertiser.id(), advertiser);
    }

    @Override
    public synchronized void save(AdCampaign campaign) {
        campaigns.put(campaign.id(), campaign);
    }

    @Override
    public synchronized void save(Creative creative) {
        creatives.put(creative.id(), creative);
    }

    @Override
    public synchronized void save(Slot slot) {
        slots.put(slot.id(), slot);
    }

    @Override
    public synchronized boolean delete(String kind, String id) {
        return switch (kind) {
            case "advertiser" -> advertisers.remove(id) != null;
            case "campaign" -> campaigns.remove(id) != null;
            case "creative" -> creatives.remove(id) != null;
            case "slot" -> slots.remove(id) != null;
            default -> throw new IllegalArgumentException("kind '" + kind + "' is not one of advertiser, campaign,"
                    + " creative, slot");
        };
    }

    @Override
    public synchronized void log(Delivery delivery, LocalDate day) {
        deliveries++;
        long[] c = counts.computeIfAbsent(delivery.creativeId(), k -> new long[Delivery.Kind.values().length]);
        c[delivery.kind().ordinal()]++;
        if (delivery.kind() == Delivery.Kind.IMPRESSION) {
            impressionsByUser.computeIfAbsent(delivery.userId(), k -> new ArrayList<>()).add(delivery);
        } else if (delivery.kind() == Delivery.Kind.CLICK) {
            clicksByUser.computeIfAbsent(delivery.userId(), k -> new ArrayList<>()).add(delivery);
        }
        spend.computeIfAbsent(day, k -> new HashMap<>()).merge(delivery.campaignId(), Totals.of(delivery),
                Totals::plus);
    }

    @Override
    public synchronized List<Delivery> impressionsSince(String userId, Instant since) {
        return since(impressionsByUser, userId, since);
    }

    @Override
    public synchronized List<Delivery> clicksSince(String userId, Instant since) {
        return since(clicksByUser, userId, since);
    }

    private static List<Delivery> since(Map<String, List<Delivery>> byUser, String userId, Instant since) {
        List<Delivery> all = byUser.getOrDefault(userId, List.of());
        List<Delivery> out = new ArrayList<>();
        for (Delivery d : all) {
            if (!d.at().isBefore(since)) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public synchronized Map<String, long[]> countsByCreative() {
        Map<String, long[]> copy = new HashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    @Override
    public synchronized Map<String, Totals> spendOn(LocalDate day) {
        return Map.copyOf(spend.getOrDefault(day, Map.of()));
    }

    @Override
    public synchronized Map<String, Totals> spendTotal() {
        Map<String, Totals> total = new HashMap<>();
        spend.values().forEach(m -> m.forEach((k, v) -> total.merge(k, v, Totals::plus)));
        return total;
    }

    public synchronized long deliveries() {
        return deliveries;
    }
}
