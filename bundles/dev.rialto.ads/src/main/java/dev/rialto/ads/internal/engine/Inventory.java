package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.AdStore;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.AdNotFoundException;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.Slot;
import java.util.List;
import java.util.Optional;

/** The inventory on a store, with reference checks, keeping an up-to-date {@link Snapshot} for the engine. */
public final class Inventory implements AdInventory {
    private final AdStore store;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    public Inventory(AdStore store) {
        this.store = store;
        reload();
    }

    public synchronized void reload() {
        snapshot = new Snapshot(store.advertisers(), store.campaigns(), store.creatives(), store.slots());
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public List<Advertiser> advertisers() {
        return List.copyOf(snapshot.advertisers.values());
    }

    @Override
    public List<AdCampaign> campaigns() {
        return List.copyOf(snapshot.campaigns.values());
    }

    @Override
    public List<Creative> creatives() {
        return List.copyOf(snapshot.creatives.values());
    }

    @Override
    public List<Slot> slots() {
        return List.copyOf(snapshot.slots.values());
    }

    @Override
    public Optional<Advertiser> advertiser(String id) {
        return Optional.ofNullable(snapshot.advertisers.get(id));
    }

    @Override
    public Optional<AdCampaign> campaign(String id) {
        return Optional.ofNullable(snapshot.campaigns.get(id));
    }

    @Override
    public Optional<Creative> creative(String id) {
        return Optional.ofNullable(snapshot.creatives.get(id));
    }

    @Override
    public Optional<Slot> slot(String id) {
        return Optional.ofNullable(snapshot.slots.get(id));
    }

    @Override
    public synchronized void save(Advertiser advertiser) {
        store.save(advertiser);
        reload();
    }

    @Override
    public synchronized void save(AdCampaign campaign) {
        if (!snapshot.advertisers.containsKey(campaign.advertiserId())) {
            throw new AdNotFoundException("advertiser", campaign.advertiserId());
        }
        store.save(campaign);
        reload();
    }

    @Override
    public synchronized void save(Creative creative) {
        if (!snapshot.campaigns.containsKey(creative.campaignId())) {
            throw new AdNotFoundException("campaign", creative.campaignId());
        }
        store.save(creative);
        reload();
    }

    @Override
    public synchronized void save(Slot slot) {
        store.save(slot);
        reload();
    }

    @Override
    public synchronized boolean delete(String kind, String id) {
        Snapshot s = snapshot;
        switch (kind) {
            case "advertiser" -> {
                if (s.campaigns.values().stream().anyMatch(c -> c.advertiserId().equals(id))) {
                    throw new IllegalStateException("advertiser '" + id + "' still has campaigns; delete or move"
                            + " them first");
                }
            }
            case "campaign" -> {
                if (s.creatives.values().stream().anyMatch(c -> c.campaignId().equals(id))) {
                    throw new IllegalStateException("campaign '" + id + "' still has creatives; delete them first,"
                            + " or archive the campaign");
                }
            }
            case "creative", "slot" -> {
            }
            default -> throw new IllegalArgumentException("kind '" + kind + "' is not one of advertiser, campaign,"
                    + " creative, slot");
        }
        boolean deleted = store.delete(kind, id);
        reload();
        return deleted;
    }
}
