package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:campaign-runs ID}. */
@Service
@Command(scope = "rialto", name = "campaign-runs", description = "Lists the latest runs of a campaign: audience,"
        + " delivered, skipped, failed, pending.")
public class CampaignRunsCommand implements Action {
    @Reference
    private Session session;

    @Reference(optional = true)
    private CampaignService campaigns;

    @Option(name = "--limit", aliases = "-n", description = "How many runs (default 10)")
    private int limit = 10;

    @Argument(index = 0, name = "id", required = true, description = "The campaign id")
    private String id;

    @Override
    public Object execute() {
        session.getConsole().print(CampaignText.runs(campaigns, id, Math.max(1, limit)));
        return null;
    }
}
