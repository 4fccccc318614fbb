package dev.rialto.ads.internal.shell;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdPlacement;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.CampaignReport;
import dev.rialto.api.ads.CandidateTrace;
import dev.rialto.api.ads.RuleCheck;
import java.util.List;
import java.util.Locale;

/** What the ad commands print; plain functions so that tests need no console. */
final class AdText {
    private AdText() {
    }

    static String decision(AdDecision d, boolean all) {
        StringBuilder out = new StringBuilder();
        if (d.filled()) {
            AdPlacement p = d.placement();
            out.append(String.format(Locale.ROOT, "Decision %s: creative %s (campaign %s, %s %s) price %.4f %s,"
                    + " pCTR %.4f, eCPM %.4f%s%n", d.id(), p.creative().id(), p.campaign().id(),
                    p.campaign().tier().wireName(), p.campaign().bidType().wireName(), p.price(),
                    p.campaign().bidType().wireName(), p.pCtr(), p.ecpm(), p.explored() ? " (explored)" : ""));
        } else {
            out.append("Decision ").append(d.id()).append(": no fill").append(System.lineSeparator());
        }
        d.reasons().forEach(r -> out.append("  ").append(r).append(System.lineSeparator()));
        out.append(String.format(Locale.ROOT, "%d candidate(s)%n", d.candidates().size()));
        int shown = 0;
        for (CandidateTrace c : d.candidates()) {
            if (!all && shown >= 20) {
                out.append("  ... ").append(d.candidates().size() - shown).append(" more (use --all)")
                        .append(System.lineSeparator());
                break;
            }
            shown++;
            out.append(String.format(Locale.ROOT, "  %-12s %-20s %-20s %-8s", c.outcome(), c.creativeId(),
                    c.campaignId(), c.tier().wireName()));
            if (c.ecpm() != null) {
                out.append(String.format(Locale.ROOT, " pCTR %.4f (%s) eCPM %.4f", c.pCtr(), c.pCtrSource(),
                        c.ecpm()));
                if (c.pCvr() != null) {
                    out.append(String.format(Locale.ROOT, " pCVR %.4f", c.pCvr()));
                }
            }
            out.append(System.lineSeparator());
            List<RuleCheck> checks = c.checks();
            for (RuleCheck check : checks) {
                out.append("      ").append(check.passed() ? "pass " : "FAIL ").append(check.rule()).append(": ")
                        .append(check.reason()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    static String campaigns(List<AdCampaign> campaigns, AdPlacementEngine engine) {
        if (campaigns.isEmpty()) {
            return "No ad campaigns." + System.lineSeparator();
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %-8s %-9s %-4s %10s %10s %10s %8s"
                + " %10s%n", "CAMPAIGN", "STATUS", "TIER", "BID", "AMOUNT", "DAILY", "TODAY", "IMPR", "CTR"));
        for (AdCampaign c : campaigns) {
            CampaignReport r = engine.report(c.id());
            out.append(String.format(Locale.ROOT, "%-20s %-8s %-9s %-4s %10s %10s %10.2f %8d %9.2f%%%n", c.id(),
                    c.status().wireName(), c.tier().wireName(), c.bidType().wireName(), c.bid().toPlainString(),
                    c.dailyBudget() == null ? "-" : c.dailyBudget().toPlainString(), r.todaySpend(), r.impressions(),
                    100 * r.ctr()));
        }
        return out.toString();
    }

    static String report(CampaignReport r, AdCampaign c) {
        StringBuilder out = new StringBuilder();
        out.append("Campaign ").append(r.campaignId()).append(" (").append(c.name()).append(')')
                .append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "  all time: %d impressions, %d clicks, CTR %.2f%%, %d conversions,"
                + " CPA %s, spend %.2f%n", r.impressions(), r.clicks(), 100 * r.ctr(), r.conversions(),
                r.cpa() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.cpa()), r.spend()));
        out.append(String.format(Locale.ROOT, "  today (%s): %d impressions, %d clicks, %d conversions, spend %.2f%n",
                r.day(), r.todayImpressions(), r.todayClicks(), r.todayConversions(), r.todaySpend()));
        if (r.todayPlanned() != null) {
            double plan = r.todayPlanned();
            out.append(String.format(Locale.ROOT, "  pacing: planned %.2f by now of %s daily, %s%.1f%%, throttle %.3f%n",
                    plan, c.dailyBudget().toPlainString(), r.todaySpend() >= plan ? "+" : "",
                    plan == 0 ? 0 : 100 * (r.todaySpend() - plan) / plan, r.throttle()));
        } else {
            out.append("  pacing: no daily budget").append(System.lineSeparator());
        }
        return out.toString();
    }
}
