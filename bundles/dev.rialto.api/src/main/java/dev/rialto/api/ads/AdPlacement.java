package dev.rialto.api.ads;

import dev.rialto.api.common.Require;

/**
 * The creative chosen for a request.
 *
 * @param creative the creative to show
 * @param campaign its campaign
 * @param price    what the advertiser pays, in the unit of the campaign's bid type (per thousand impressions for
 *                 CPM, per click for CPC, per action for CPA)
 * @param pCtr     predicted click probability
 * @param ecpm     effective bid per thousand impressions that ranked it
 * @param explored true when it was picked at random by the exploration share rather than by rank
 */
public record AdPlacement(Creative creative, AdCampaign campaign, double price, double pCtr, double ecpm,
        boolean explored) {
    public AdPlacement {
        Require.nonNull(creative, "creative");
        Require.nonNull(campaign, "campaign");
        Require.finite(price, "price");
    }
}
