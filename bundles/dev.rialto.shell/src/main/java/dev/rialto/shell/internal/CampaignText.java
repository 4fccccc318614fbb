package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.campaigns.RunReport;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.campaigns.SegmentPreview;
import dev.rialto.api.campaigns.VariantReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The logic of the campaign commands. */
final class CampaignText {
    static final String NO_SERVICE = "Campaigns: " + Format.NOT_AVAILABLE
            + " (is the rialto-campaigns feature installed?)\n";

    private CampaignText() {
    }

    static String list(CampaignService campaigns) {
        if (campaigns == null) {
            return NO_SERVICE;
        }
        List<CampaignDefinition> all = campaigns.list();
        if (all.isEmpty()) {
            return "No campaigns. Drop a *.campaign.json file into deploy/ or POST one to /api/v1/campaigns.\n";
        }
        TextTable table = new TextTable(List.of("ID", "NAME", "ENABLED", "SCHEDULE", "CHANNEL", "ARMS", "HOLDOUT",
                "LAST RUN"), 32, 32, 0, 24, 16, 24, 0, 0);
        for (CampaignDefinition d : all) {
            List<RunSummary> last = campaigns.runs(d.id(), 1);
            table.row(d.id(), d.name(), d.enabled() ? "yes" : "no", d.schedule() == null ? "manual" : d.schedule(),
                    d.channel(), d.variants().stream().map(v -> v.name() + " " + v.percent() + "%")
                            .collect(Collectors.joining(", ")),
                    d.holdoutPercent() + "%", last.isEmpty() ? "-" : last.get(0).status() + " "
                            + Format.instant(last.get(0).started()));
        }
        return table.render();
    }

    static String summary(RunSummary s) {
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(s.runId()).append(" of campaign ").append(s.campaignId()).append(": ")
                .append(s.status()).append('\n');
        out.append("  trigger:   ").append(s.trigger()).append('\n');
        out.append("  started:   ").append(Format.instant(s.started()));
        if (s.finished() != null) {
            out.append(", finished ").append(Format.instant(s.finished()));
        }
        out.append('\n');
        out.append("  audience:  ").append(s.audience()).append('\n');
        out.append("  delivered: ").append(s.delivered()).append('\n');
        out.append("  skipped:   ").append(s.skippedTotal()).append(reasons(s.skipped())).append('\n');
        out.append("  failed:    ").append(s.failed()).append('\n');
        if (s.pending() > 0) {
            out.append("  pending:   ").append(s.pending()).append('\n');
        }
        if (s.message() != null) {
            out.append("  message:   ").append(s.message()).append('\n');
        }
        return out.toString();
    }

    private static String reasons(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "";
        }
        return byReason.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    static String runs(CampaignService campaigns, String id, int limit) {
        if (campaigns == null) {
            return NO_SERVICE;
        }
        List<RunSummary> runs = campaigns.runs(id, limit);
        if (runs.isEmpty()) {
            return campaigns.get(id).isPresent() ? "Campaign " + id + " has not run yet.\n"
                    : "error: no campaign with id '" + id + "'\n";
        }
        TextTable table = new TextTable(List.of("RUN", "STATUS", "TRIGGER", "STARTED", "AUDIENCE", "DELIVERED",
                "SKIPPED", "FAILED", "PENDING"), 36, 0, 24, 0, 0, 0, 0, 0, 0);
        for (RunSummary s : runs) {
            table.row(s.runId(), s.status().name(), s.trigger(), Format.instant(s.started()),
                    Long.toString(s.audience()), Long.toString(s.delivered()), Long.toString(s.skippedTotal()),
                    Long.toString(s.failed()), Long.toString(s.pending()));
        }
        return table.render();
    }

    static String report(RunReport r) {
        StringBuilder out = new StringBuilder(summary(r.summary()));
        out.append("\nConversions (purchases until ").append(Format.instant(r.conversionsUntil())).append("):\n");
        TextTable table = new TextTable(List.of("ARM", "RECIPIENTS", "DELIVERED", "CONVERTED", "RATE", "UPLIFT",
                "RELATIVE", "P-VALUE"));
        for (VariantReport v : r.variants()) {
            table.row(v.variant(), Long.toString(v.recipients()), Long.toString(v.delivered()),
                    Long.toString(v.converted()), percent(v.conversionRate()), points(v.uplift()),
                    percent(v.relativeUplift()), Double.isNaN(v.pValue()) ? "-"
                            : String.format(Locale.ROOT, "%.4f", v.pValue()));
        }
        out.append(table.render());
        if (!r.failures().isEmpty()) {
            out.append("\nFailures:\n");
            r.failures().forEach((reason, n) -> out.append("  ").append(n).append("  ").append(reason).append('\n'));
        }
        return out.toString();
    }

    static String preview(SegmentPreview p) {
        return "Segment: " + p.count() + " of " + p.scanned() + " profiles match\n"
                + (p.sample().isEmpty() ? "" : "Sample: " + String.join(", ", p.sample()) + "\n");
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String points(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.2f pts", v * 100);
    }
}
