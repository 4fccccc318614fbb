package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.Map;

/**
 * One run of a campaign, as counted so far.
 *
 * @param runId      unique
 * @param campaignId the campaign
 * @param trigger    who or what started it ({@code schedule}, {@code console:admin}, {@code rest:admin}, ...)
 * @param status     its state
 * @param started    when it started
 * @param finished   when it ended, or null
 * @param audience   recipients in the audience snapshot (holdout included)
 * @param delivered  deliveries made
 * @param skipped    recipients skipped, by reason ({@code holdout}, {@code consent}, {@code frequency},
 *                   {@code quiet-hours}, {@code no-content}, {@code no-address})
 * @param failed     deliveries that failed after their retries
 * @param pending    recipients without an outcome yet
 * @param message    why it failed, or null
 */
public record RunSummary(String runId, String campaignId, String trigger, RunStatus status, Instant started,
        Instant finished, long audience, long delivered, Map<String, Long> skipped, long failed, long pending,
        String message) {

    public RunSummary {
        Require.nonBlank(runId, "runId");
        Require.nonBlank(campaignId, "campaignId");
        Require.nonNull(status, "status");
        Require.nonNull(started, "started");
        skipped = skipped == null ? Map.of() : Map.copyOf(skipped);
    }

    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
