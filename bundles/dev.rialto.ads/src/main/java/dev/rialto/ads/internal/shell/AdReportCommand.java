package dev.rialto.ads.internal.shell;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.AdPlacementEngine;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:ad-report CAMPAIGN}: impressions, clicks, CTR, spend, and pacing against the even plan. */
@Service
@Command(scope = "rialto", name = "ad-report", description = "Shows a campaign's delivery and pacing.")
public class AdReportCommand implements Action {

    @Argument(index = 0, name = "campaign", description = "The campaign id", required = true)
    private String campaign;

    @Reference
    private Session session;

    @Reference(optional = true)
    private AdInventory inventory;

    @Reference(optional = true)
    private AdPlacementEngine engine;

    @Override
    public Object execute() {
        if (inventory == null || engine == null) {
            session.getConsole().println("The ad engine is not available (is the rialto-ads feature installed and"
                    + " the store up?)");
            return null;
        }
        Optional<AdCampaign> found = inventory.campaign(campaign);
        if (found.isEmpty()) {
            session.getConsole().println("Error: campaign '" + campaign + "' does not exist");
            return null;
        }
        session.getConsole().print(AdText.report(engine.report(campaign), found.get()));
        return null;
    }
}
