package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The answer to an {@link AdRequest}: a placement, or no fill with its reasons, and the trace of every candidate.
 *
 * @param id         the decision id; impressions and clicks refer to it
 * @param slotId     the slot
 * @param time       when it was decided
 * @param placement  the chosen creative, or null for no fill
 * @param reasons    why there is no fill (empty when filled), or notes such as exploration
 * @param candidates one trace per candidate creative considered
 */
public record AdDecision(String id, String slotId, Instant time, AdPlacement placement, List<String> reasons,
        List<CandidateTrace> candidates) {
    public AdDecision {
        Require.nonBlank(id, "id");
        Require.nonBlank(slotId, "slot");
        Require.nonNull(time, "time");
        reasons = List.copyOf(reasons);
        candidates = List.copyOf(candidates);
    }

    public boolean filled() {
        return placement != null;
    }

    public Optional<AdPlacement> winner() {
        return Optional.ofNullable(placement);
    }
}
