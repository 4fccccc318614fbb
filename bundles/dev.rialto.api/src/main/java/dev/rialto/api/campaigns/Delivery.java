package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one recipient gets from one campaign run.
 *
 * @param deliveryId  stable across retries and restarts ({@code run:profile:step}): channels use it to make
 *                    a repeated delivery idempotent (outbox de-duplicates on it, webhooks send it as
 *                    {@code Idempotency-Key}, email as the Message-ID)
 * @param campaignId  the campaign
 * @param runId       the run
 * @param variant     the A/B arm
 * @param profileId   the recipient's (pseudonymous) id
 * @param address     where the channel sends it (an email address from the profile, say), or null
 * @param subject     a subject or headline, or null
 * @param body        the generated text, or null
 * @param items       recommended item ids, in rank order
 * @param ad          the creative chosen for the ad step, or null
 * @param attributes  other values the steps produced (provider used, guardrail status, ...)
 * @param created     when the delivery was prepared
 */
public record Delivery(String deliveryId, String campaignId, String runId, String variant, String profileId,
        String address, String subject, String body, List<String> items, String ad, Map<String, String> attributes,
        Instant created) {

    public Delivery {
        Require.nonBlank(deliveryId, "deliveryId");
        Require.nonBlank(campaignId, "campaignId");
        Require.nonBlank(runId, "runId");
        Require.nonBlank(variant, "variant");
        Require.nonBlank(profileId, "profileId");
        items = items == null ? List.of() : List.copyOf(items);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        Require.nonNull(created, "created");
    }
}
