package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import java.time.LocalDate;

/**
 * Delivery of one campaign.
 *
 * @param campaignId   the campaign
 * @param impressions  impressions, all time
 * @param clicks       clicks, all time
 * @param conversions  conversions (purchases attributed to the campaign's clicks or impressions), all time
 * @param spend        money spent, all time
 * @param day          the pacing day of the "today" figures
 * @param todayImpressions impressions today
 * @param todayClicks  clicks today
 * @param todayConversions conversions today
 * @param todaySpend   money spent today
 * @param todayPlanned what an even plan would have spent by now today, or null without a daily budget
 * @param throttle     the pacing pass-through rate now (1 = no throttling)
 */
public record CampaignReport(String campaignId, long impressions, long clicks, long conversions, double spend,
        LocalDate day, long todayImpressions, long todayClicks, long todayConversions, double todaySpend,
        Double todayPlanned, double throttle) {
    public CampaignReport {
        Require.nonBlank(campaignId, "campaign");
        Require.nonNull(day, "day");
    }

    /** Click-through rate, 0 without impressions. */
    public double ctr() {
        return impressions == 0 ? 0 : (double) clicks / impressions;
    }

    /** Cost per acquisition (spend per conversion), all time; null without conversions. */
    public Double cpa() {
        return conversions == 0 ? null : spend / conversions;
    }
}
