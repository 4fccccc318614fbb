package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.common.RialtoException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:campaign-report RUN}. */
@Service
@Command(scope = "rialto", name = "campaign-report", description = "Shows a run: outcomes by reason, and per A/B arm"
        + " the conversions and the uplift against the holdout.")
public class CampaignReportCommand implements Action {
    @Reference
    private Session session;

    @Reference(optional = true)
    private CampaignService campaigns;

    @Argument(index = 0, name = "run", required = true, description = "The run id (see rialto:campaign-runs)")
    private String run;

    @Override
    public Object execute() {
        if (campaigns == null) {
            session.getConsole().print(CampaignText.NO_SERVICE);
            return null;
        }
        try {
            session.getConsole().print(CampaignText.report(campaigns.report(run)));
        } catch (RialtoException e) {
            session.getConsole().println("error: " + e.getMessage());
        }
        return null;
    }
}
