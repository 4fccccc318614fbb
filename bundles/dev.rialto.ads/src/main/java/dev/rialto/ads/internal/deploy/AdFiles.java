package dev.rialto.ads.internal.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rialto.ads.internal.json.AdJson;
import dev.rialto.ads.internal.json.FieldException;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.Slot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * An ads file: {@code {"advertisers":[...],"campaigns":[...],"creatives":[...],"slots":[...]}}, every part
 * optional. The whole file is checked (fields and references) before anything is saved, so a bad file changes
 * nothing.
 */
public record AdFiles(List<Advertiser> advertisers, List<AdCampaign> campaigns, List<Creative> creatives,
        List<Slot> slots) {

    static final Set<String> PARTS = Set.of("advertisers", "campaigns", "creatives", "slots");

    /** @throws FieldException naming the entity and field, for example {@code campaigns[2].bid} */
    public static AdFiles parse(String text, AdInventory inventory) {
        JsonNode root = AdJson.read(text);
        if (!root.isObject()) {
            throw new FieldException("body", "must be an object with advertisers, campaigns, creatives and/or slots");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!PARTS.contains(name)) {
                throw new FieldException(name, "unknown part; allowed: advertisers, campaigns, creatives, slots");
            }
        }
        List<Advertiser> advertisers = new ArrayList<>();
        List<AdCampaign> campaigns = new ArrayList<>();
        List<Creative> creatives = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        each(root, "advertisers", (node, path) -> advertisers.add(AdJson.advertiser(node, path)));
        each(root, "campaigns", (node, path) -> campaigns.add(AdJson.campaign(node, path)));
        each(root, "creatives", (node, path) -> creatives.add(AdJson.creative(node, path)));
        each(root, "slots", (node, path) -> slots.add(AdJson.slot(node, path)));

        Set<String> advertiserIds = new HashSet<>();
        advertisers.forEach(a -> advertiserIds.add(a.id()));
        for (int i = 0; i < campaigns.size(); i++) {
            String id = campaigns.get(i).advertiserId();
            if (!advertiserIds.contains(id) && inventory.advertiser(id).isEmpty()) {
                throw new FieldException("campaigns[" + i + "].advertiser", "advertiser '" + id + "' does not exist");
            }
        }
        Set<String> campaignIds = new HashSet<>();
        campaigns.forEach(c -> campaignIds.add(c.id()));
        for (int i = 0; i < creatives.size(); i++) {
            String id = creatives.get(i).campaignId();
            if (!campaignIds.contains(id) && inventory.campaign(id).isEmpty()) {
                throw new FieldException("creatives[" + i + "].campaign", "campaign '" + id + "' does not exist");
            }
        }
        return new AdFiles(advertisers, campaigns, creatives, slots);
    }

    private interface Reader {
        void read(JsonNode node, String path);
    }

    private static void each(JsonNode root, String part, Reader reader) {
        JsonNode array = root.get(part);
        if (array == null || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            throw new FieldException(part, "must be an array");
        }
        for (int i = 0; i < array.size(); i++) {
            reader.read(array.get(i), part + "[" + i + "]");
        }
    }

    /** Saves everything, referenced entities first. */
    public void apply(AdInventory inventory) {
        advertisers.forEach(inventory::save);
        campaigns.forEach(inventory::save);
        creatives.forEach(inventory::save);
        slots.forEach(inventory::save);
    }

    public int size() {
        return advertisers.size() + campaigns.size() + creatives.size() + slots.size();
    }
}
