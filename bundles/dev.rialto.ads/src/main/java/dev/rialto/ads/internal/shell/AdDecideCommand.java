package dev.rialto.ads.internal.shell;

import dev.rialto.api.ads.AdNotFoundException;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.rules.ContextField;
import java.util.EnumMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code rialto:ad-decide USER SLOT [--page P] [--category C] [--country CC] [--device D] [--query Q] [--all]}. A
 * dry run: nothing is recorded until an impression is, so it does not count against caps or budgets.
 */
@Service
@Command(scope = "rialto", name = "ad-decide", description = "Decides an ad for a user and slot and shows the trace.")
public class AdDecideCommand implements Action {

    @Argument(index = 0, name = "user", description = "The user id", required = true)
    private String user;

    /** Stored user ids are pseudonyms: the console takes the shop's id and maps it the same way. */
    @org.apache.karaf.shell.api.action.lifecycle.Reference(optional = true)
    private dev.rialto.api.privacy.Pseudonymiser pseudonymiser;

    @Argument(index = 1, name = "slot", description = "The slot id", required = true)
    private String slot;

    @Option(name = "--page", description = "Page (type) context")
    private String page;

    @Option(name = "--category", description = "Page category context")
    private String category;

    @Option(name = "--country", description = "Country context")
    private String country;

    @Option(name = "--device", description = "Device context")
    private String device;

    @Option(name = "--query", description = "Search query context")
    private String query;

    @Option(name = "--all", description = "Show every candidate, not the first 20")
    private boolean all;

    @Reference
    private Session session;

    @Reference(optional = true)
    private AdPlacementEngine engine;

    @Override
    public Object execute() {
        if (engine == null) {
            session.getConsole().println("The ad engine is not available (is the rialto-ads feature installed and"
                    + " the store up?)");
            return null;
        }
        Map<ContextField, String> context = new EnumMap<>(ContextField.class);
        put(context, ContextField.PAGE, page);
        put(context, ContextField.CATEGORY, category);
        put(context, ContextField.COUNTRY, country);
        put(context, ContextField.DEVICE, device);
        put(context, ContextField.QUERY, query);
        try {
            session.getConsole().print(AdText.decision(engine.decide(new AdRequest(pseudonymiser == null ? user : pseudonymiser.userId(user), slot, null, null, context,
                    null, null)), all));
        } catch (AdNotFoundException | IllegalArgumentException e) {
            session.getConsole().println("Error: " + e.getMessage());
        }
        return null;
    }

    private static void put(Map<ContextField, String> context, ContextField field, String value) {
        if (value != null && !value.isBlank()) {
            context.put(field, value);
        }
    }
}
