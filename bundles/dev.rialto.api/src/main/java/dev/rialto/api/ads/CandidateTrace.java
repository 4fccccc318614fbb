package dev.rialto.api.ads;

import java.util.List;

/**
 * What the engine did with one candidate creative.
 *
 * @param creativeId the creative
 * @param campaignId its campaign
 * @param tier       its campaign's tier
 * @param checks     the rules in the order they ran; the last one failed when the candidate was not eligible
 * @param pCtr       predicted click probability, null when not eligible
 * @param pCtrSource {@code model:NAME@VERSION} or {@code historical}, null when not eligible
 * @param ecpm       effective bid per thousand impressions, null when not eligible
 * @param outcome    {@code ineligible}, {@code below-reserve}, {@code outranked}, {@code lower-tier} or {@code won}
 * @param pCvr       predicted conversions per click of a CPA campaign (its eCPM is bid x pCTR x pCVR x 1000), null
 *                   when not eligible or not CPA
 * @since 1.2
 */
public record CandidateTrace(String creativeId, String campaignId, Tier tier, List<RuleCheck> checks, Double pCtr,
        String pCtrSource, Double ecpm, String outcome, Double pCvr) {
    public CandidateTrace {
        checks = List.copyOf(checks);
    }

    /** A trace without pCVR (not a CPA candidate), as in version 1.1. */
    public CandidateTrace(String creativeId, String campaignId, Tier tier, List<RuleCheck> checks, Double pCtr,
            String pCtrSource, Double ecpm, String outcome) {
        this(creativeId, campaignId, tier, checks, pCtr, pCtrSource, ecpm, outcome, null);
    }
}
