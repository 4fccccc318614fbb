package dev.rialto.api.ads;

import org.osgi.annotation.versioning.ProviderType;

/** Decides ads and records their delivery. */
@ProviderType
public interface AdPlacementEngine {

    /**
     * Chooses the creative for the request, or none, with a trace. Never throws for a valid request.
     *
     * @throws AdNotFoundException when the slot does not exist
     */
    AdDecision decide(AdRequest request);

    /**
     * Records that the decision's ad was shown: counts for caps and pacing, charges CPM, stores an
     * {@code impression} event. A repeated call for the same decision records nothing.
     *
     * @return false when the decision is unknown (expired or never made), filled nothing, or was already recorded
     */
    boolean recordImpression(String decisionId);

    /**
     * Records a click on the decision's ad (after its impression): charges CPC, stores an {@code ad_click} event.
     *
     * @return false when the decision is unknown, has no impression, or its click was already recorded
     */
    boolean recordClick(String decisionId);

    /** Delivery figures of the campaign. @throws AdNotFoundException when it does not exist */
    CampaignReport report(String campaignId);
}
