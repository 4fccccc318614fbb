package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.Variant;
import dev.rialto.api.profiles.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs a campaign's steps before delivery for one recipient. */
interface Composer {

    /**
     * @param deliveryId the delivery's stable id
     * @return the delivery, or a skip with its reason ({@code no-content}, {@code no-address})
     * @throws RuntimeException when a step cannot run at all (a service is missing): the run fails
     */
    Composed compose(CampaignDefinition definition, Variant variant, Profile profile, String runId,
            String deliveryId, Instant now);

    /** One member of a chunk, ready to be composed. */
    record Recipient(Variant variant, Profile profile, String deliveryId) {
    }

    /**
     * Composes a chunk of recipients at once, in order; a composer that can share work between recipients (one
     * batched recommendation call for the chunk) overrides this.
     */
    default List<Composed> composeAll(CampaignDefinition definition, List<Recipient> recipients, String runId,
            Instant now) {
        List<Composed> out = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            out.add(compose(definition, r.variant(), r.profile(), runId, r.deliveryId(), now));
        }
        return out;
    }

    /** Exactly one of the two is set. */
    record Composed(Delivery delivery, String skipReason) {
        static Composed skip(String reason) {
            return new Composed(null, reason);
        }
    }
}
