package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import dev.rialto.api.rules.Rule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An ad campaign.
 *
 * @param id                 unique id
 * @param advertiserId       the advertiser paying for it
 * @param name               display name
 * @param status             whether it may serve
 * @param start              flight start (inclusive)
 * @param end                flight end (exclusive), or null for open-ended
 * @param totalBudget        lifetime budget, or null for none
 * @param dailyBudget        budget per day (pacing day, UTC by default), or null for none
 * @param bidType            what the bid pays for
 * @param bid                the bid (per thousand impressions for CPM, per click, per action), positive
 * @param tier               priority tier
 * @param targeting          who sees it, or null for everybody
 * @param caps               frequency caps
 * @param competitiveLabels  labels (for example {@code airline}) of which one page shows at most one campaign
 * @param pacing             how the daily budget is spread
 */
public record AdCampaign(String id, String advertiserId, String name, AdStatus status, Instant start, Instant end,
        BigDecimal totalBudget, BigDecimal dailyBudget, BidType bidType, BigDecimal bid, Tier tier, Rule targeting,
        List<FrequencyCap> caps, Set<String> competitiveLabels, PacingMode pacing) {

    public AdCampaign {
        id = AdIds.check(id, "id");
        advertiserId = AdIds.check(advertiserId, "advertiser");
        name = Require.nonBlank(name, "name").strip();
        status = status == null ? AdStatus.ACTIVE : status;
        Require.nonNull(start, "start");
        if (end != null && !end.isAfter(start)) {
            throw new IllegalArgumentException("end must be after start");
        }
        positiveOrNull(totalBudget, "totalBudget");
        positiveOrNull(dailyBudget, "dailyBudget");
        Require.nonNull(bidType, "bidType");
        Require.nonNull(bid, "bid");
        if (bid.signum() <= 0) {
            throw new IllegalArgumentException("bid must be positive, was " + bid.toPlainString());
        }
        tier = tier == null ? Tier.AUCTION : tier;
        caps = caps == null ? List.of() : List.copyOf(caps);
        competitiveLabels = competitiveLabels == null ? Set.of() : Set.copyOf(competitiveLabels);
        pacing = pacing == null ? PacingMode.EVEN : pacing;
    }

    private static void positiveOrNull(BigDecimal value, String field) {
        if (value != null && value.signum() <= 0) {
            throw new IllegalArgumentException(field + " must be positive, was " + value.toPlainString());
        }
    }

    /** Whether the flight includes the instant. */
    public boolean inFlight(Instant at) {
        return !at.isBefore(start) && (end == null || at.isBefore(end));
    }
}
