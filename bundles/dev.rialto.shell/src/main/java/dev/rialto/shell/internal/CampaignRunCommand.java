package dev.rialto.shell.internal;

import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.common.RialtoException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:campaign-run ID}. */
@Service
@Command(scope = "rialto", name = "campaign-run", description = "Runs a campaign now and waits for the run to end"
        + " (or, with --background, returns at once). A campaign never runs twice at the same time.")
public class CampaignRunCommand implements Action {
    @Reference
    private Session session;

    @Reference(optional = true)
    private CampaignService campaigns;

    @Argument(index = 0, name = "id", required = true, description = "The campaign id")
    private String id;

    @Option(name = "--background", aliases = "-b", description = "Start the run and return at once")
    private boolean background;

    @Override
    public Object execute() throws Exception {
        if (campaigns == null) {
            session.getConsole().print(CampaignText.NO_SERVICE);
            return null;
        }
        String by = "console:" + (session.get("USER") == null ? "?" : session.get("USER"));
        try {
            session.getConsole().print(CampaignText.summary(background ? campaigns.trigger(id, by)
                    : campaigns.runAndWait(id, by)));
        } catch (RialtoException | IllegalStateException e) {
            session.getConsole().println("error: " + e.getMessage());
        }
        return null;
    }
}
