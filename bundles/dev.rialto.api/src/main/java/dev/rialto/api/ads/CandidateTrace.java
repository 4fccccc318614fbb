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
 */
public record CandidateTrace(String creativeId, String campaignId, Tier tier, List<RuleCheck> checks, Double pCtr,
        String pCtrSource, Double ecpm, String outcome) {
    public CandidateTrace {
        checks = List.copyOf(checks);
    }
}
