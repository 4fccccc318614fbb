package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:campaign-list}. */
@Service
@Command(scope = "rialto", name = "campaign-list", description = "Lists the campaigns with their schedule, channel,"
        + " A/B arms, holdout and last run.")
public class CampaignListCommand implements Action {
    @Reference
    private Session session;

    @Reference(optional = true)
    private CampaignService campaigns;

    @Override
    public Object execute() {
        session.getConsole().print(CampaignText.list(campaigns));
        return null;
    }
}
