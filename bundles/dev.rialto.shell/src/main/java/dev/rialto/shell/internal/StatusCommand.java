package dev.rialto.shell.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.scoring.InterestScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** {@code rialto:status}. Every service reference is optional, so the command works on a partial install. */
@Service
@Command(scope = "rialto", name = "status", description = "Shows Rialto's bundles, store counts, active model "
        + "and last training run.")
public class StatusCommand implements Action {

    @Reference
    private BundleContext bundleContext;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ItemRepository items;

    @Reference(optional = true)
    private EventRepository events;

    @Reference(optional = true)
    private ProfileRepository profiles;

    // The ranker's scorer; the ad click model's (rialto.provider=ads) scores creatives.
    @Reference(optional = true, filter = "(!(rialto.provider=ads))")
    private InterestScorer scorer;

    @Reference(optional = true)
    private ModelTrainer trainer;

    @Override
    public Object execute() {
        List<StatusText.BundleRow> rows = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name != null && name.startsWith("dev.rialto")) {
                rows.add(new StatusText.BundleRow(bundle.getBundleId(), name, bundle.getVersion().toString(),
                        BundleStates.name(bundle.getState())));
            }
        }
        session.getConsole().print(StatusText.render(rows,
                new StatusText.Services(items, events, profiles, scorer, trainer)));
        return null;
    }
}
