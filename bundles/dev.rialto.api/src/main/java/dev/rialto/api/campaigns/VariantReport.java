package dev.rialto.api.campaigns;

/**
 * The outcome of one A/B arm (or the holdout) of a run.
 *
 * @param variant        the arm's name, or {@link CampaignDefinition#HOLDOUT}
 * @param recipients     profiles assigned to it
 * @param delivered      deliveries made to them
 * @param converted      recipients who purchased within the conversion window after the run started
 * @param conversionRate converted / recipients (0 when there are none)
 * @param uplift         conversionRate minus the holdout's (absolute), or NaN without a holdout
 * @param relativeUplift uplift / the holdout's rate, or NaN when that is 0 or there is no holdout
 * @param pValue         two-sided two-proportion z-test against the holdout, or NaN
 */
public record VariantReport(String variant, long recipients, long delivered, long converted, double conversionRate,
        double uplift, double relativeUplift, double pValue) {
}
