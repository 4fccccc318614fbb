package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:segment-preview RULE}. */
@Service
@Command(scope = "rialto", name = "segment-preview", description = "Counts the profiles a segment rule (JSON, quoted)"
        + " selects and shows a sample; 'all' selects every profile.")
public class SegmentPreviewCommand implements Action {
    @Reference
    private Session session;

    @Reference(optional = true)
    private CampaignService campaigns;

    @Option(name = "--sample", aliases = "-s", description = "How many matching ids to show (default 10)")
    private int sample = 10;

    @Argument(index = 0, name = "rule", required = true, description = "The rule as JSON, or all")
    private String rule;

    @Override
    public Object execute() {
        if (campaigns == null) {
            session.getConsole().print(CampaignText.NO_SERVICE);
            return null;
        }
        try {
            session.getConsole().print(CampaignText.preview(campaigns.previewSegment(
                    "all".equalsIgnoreCase(rule.strip()) ? null : rule, sample)));
        } catch (RuntimeException e) {
            session.getConsole().println("error: " + e.getMessage());
        }
        return null;
    }
}
