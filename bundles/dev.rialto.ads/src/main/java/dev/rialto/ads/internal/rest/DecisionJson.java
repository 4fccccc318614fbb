package dev.rialto.ads.internal.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.ads.internal.json.AdJson;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdPlacement;
import dev.rialto.api.ads.CampaignReport;
import dev.rialto.api.ads.CandidateTrace;
import dev.rialto.api.ads.RuleCheck;

/** Decisions and reports as JSON, shared by the REST resource and the console. */
public final class DecisionJson {
    private DecisionJson() {
    }

    /** @param trace {@code full} (every candidate and rule), {@code summary} (winner and reasons) */
    public static ObjectNode tree(AdDecision d, boolean trace) {
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        out.put("decision", d.id());
        out.put("slot", d.slotId());
        out.put("time", d.time().toString());
        out.put("filled", d.filled());
        if (d.filled()) {
            AdPlacement p = d.placement();
            ObjectNode ad = out.putObject("ad");
            ad.set("creative", AdJson.tree(p.creative()));
            ad.put("campaign", p.campaign().id());
            ad.put("advertiser", p.campaign().advertiserId());
            ad.put("tier", p.campaign().tier().wireName());
            ad.put("bidType", p.campaign().bidType().wireName());
            ad.put("price", p.price());
            ad.put("pCtr", p.pCtr());
            ad.put("ecpm", p.ecpm());
            ad.put("explored", p.explored());
        } else {
            out.putNull("ad");
        }
        ArrayNode reasons = out.putArray("reasons");
        d.reasons().forEach(reasons::add);
        if (trace) {
            ArrayNode candidates = out.putArray("trace");
            for (CandidateTrace c : d.candidates()) {
                ObjectNode node = candidates.addObject();
                node.put("creative", c.creativeId());
                node.put("campaign", c.campaignId());
                node.put("tier", c.tier().wireName());
                node.put("outcome", c.outcome());
                node.put("pCtr", c.pCtr());
                node.put("pCtrSource", c.pCtrSource());
                node.put("ecpm", c.ecpm());
                if (c.pCvr() != null) {
                    node.put("pCvr", c.pCvr());
                }
                ArrayNode rules = node.putArray("rules");
                for (RuleCheck check : c.checks()) {
                    ObjectNode r = rules.addObject();
                    r.put("rule", check.rule());
                    r.put("passed", check.passed());
                    r.put("reason", check.reason());
                }
            }
        } else {
            out.put("candidates", d.candidates().size());
        }
        return out;
    }

    public static ObjectNode tree(CampaignReport r) {
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        out.put("campaign", r.campaignId());
        out.put("impressions", r.impressions());
        out.put("clicks", r.clicks());
        out.put("ctr", r.ctr());
        out.put("conversions", r.conversions());
        out.put("spend", r.spend());
        out.put("cpa", r.cpa());
        ObjectNode today = out.putObject("today");
        today.put("day", r.day().toString());
        today.put("impressions", r.todayImpressions());
        today.put("clicks", r.todayClicks());
        today.put("conversions", r.todayConversions());
        today.put("spend", r.todaySpend());
        today.put("planned", r.todayPlanned());
        today.put("throttle", r.throttle());
        return out;
    }
}
