package dev.rialto.api.ads;

import dev.rialto.api.common.Require;

/** A creative of a campaign considered for a slot. */
public record PlacementCandidate(AdCampaign campaign, Creative creative, Slot slot) {
    public PlacementCandidate {
        Require.nonNull(campaign, "campaign");
        Require.nonNull(creative, "creative");
        Require.nonNull(slot, "slot");
    }
}
