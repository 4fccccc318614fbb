package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.Variant;
import dev.rialto.api.profiles.Profile;
import java.time.Instant;

/** Runs a campaign's steps before delivery for one recipient. */
interface Composer {

    /**
     * @param deliveryId the delivery's stable id
     * @return the delivery, or a skip with its reason ({@code no-content}, {@code no-address})
     * @throws RuntimeException when a step cannot run at all (a service is missing): the run fails
     */
    Composed compose(CampaignDefinition definition, Variant variant, Profile profile, String runId,
            String deliveryId, Instant now);

    /** Exactly one of the two is set. */
    record Composed(Delivery delivery, String skipReason) {
        static Composed skip(String reason) {
            return new Composed(null, reason);
        }
    }
}
