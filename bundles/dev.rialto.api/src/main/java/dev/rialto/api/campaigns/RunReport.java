package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run's summary, its per-arm conversions and its failures by reason.
 *
 * @param summary          the counts
 * @param variants         per arm, the holdout last
 * @param failures         failed deliveries by reason
 * @param conversionsUntil the end of the conversion window, or now if it is still open
 */
public record RunReport(RunSummary summary, List<VariantReport> variants, Map<String, Long> failures,
        Instant conversionsUntil) {

    public RunReport {
        Require.nonNull(summary, "summary");
        variants = variants == null ? List.of() : List.copyOf(variants);
        failures = failures == null ? Map.of() : Map.copyOf(failures);
    }
}
