package dev.rialto.ads.internal.shell;

import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.AdPlacementEngine;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:ad-campaigns}: every campaign with its bid, budget, today's spend, impressions and CTR. */
@Service
@Command(scope = "rialto", name = "ad-campaigns", description = "Lists the ad campaigns with their delivery.")
public class AdCampaignsCommand implements Action {

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
        session.getConsole().print(AdText.campaigns(inventory.campaigns(), engine));
        return null;
    }
}
