package dev.rialto.ads.internal.store;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.Slot;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Persistence of ad entities and delivery. Implementations are thread-safe. The engine keeps its own in-memory
 * state and reads this at start and for users it has not seen since.
 */
public interface AdStore {

    List<Advertiser> advertisers();

    List<AdCampaign> campaigns();

    List<Creative> creatives();

    List<Slot> slots();

    void save(Advertiser advertiser);

    void save(AdCampaign campaign);

    void save(Creative creative);

    void save(Slot slot);

    /** Deletes by kind ({@code advertiser}, {@code campaign}, {@code creative}, {@code slot}); false if absent. */
    boolean delete(String kind, String id);

    /** Appends to the delivery log and adds its price and count to the campaign's spend of the day. */
    void log(Delivery delivery, LocalDate day);

    /** The user's impressions at or after {@code since}, oldest first. */
    List<Delivery> impressionsSince(String userId, Instant since);

    /** The user's clicks at or after {@code since}, oldest first. */
    List<Delivery> clicksSince(String userId, Instant since);

    /**
     * Deliveries per creative, all time, indexed by {@link Delivery.Kind#ordinal()}: {@code [impressions, clicks,
     * conversions]}.
     */
    Map<String, long[]> countsByCreative();

    /** Spend per campaign on the day. */
    Map<String, Totals> spendOn(LocalDate day);

    /** Spend per campaign, all time. */
    Map<String, Totals> spendTotal();
}
