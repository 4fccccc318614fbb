package dev.rialto.api.ads;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The stored advertisers, campaigns, creatives and slots. Saving replaces an entity with the same id. References
 * are checked: a campaign needs its advertiser, a creative its campaign.
 */
@ProviderType
public interface AdInventory {

    List<Advertiser> advertisers();

    List<AdCampaign> campaigns();

    List<Creative> creatives();

    List<Slot> slots();

    Optional<Advertiser> advertiser(String id);

    Optional<AdCampaign> campaign(String id);

    Optional<Creative> creative(String id);

    Optional<Slot> slot(String id);

    /** @throws AdNotFoundException when a referenced entity is missing (the message names it) */
    void save(Advertiser advertiser);

    void save(AdCampaign campaign);

    void save(Creative creative);

    void save(Slot slot);

    /**
     * Deletes an entity of the kind ({@code advertiser}, {@code campaign}, {@code creative}, {@code slot}).
     *
     * @return false when it did not exist
     * @throws IllegalStateException when other entities still refer to it
     */
    boolean delete(String kind, String id);
}
