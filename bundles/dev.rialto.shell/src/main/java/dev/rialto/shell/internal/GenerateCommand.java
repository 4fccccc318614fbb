package dev.rialto.shell.internal;

import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.privacy.Pseudonymiser;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code rialto:generate KIND ITEM [--provider P] [--locale L] [-n VARIANTS] [--tone T] [--user U]} and
 * {@code rialto:generate KIND --user U --recommend N ...} (copy about the user's N recommended items).
 */
@Service
@Command(scope = "rialto", name = "generate",
        description = "Generates copy for a catalogue item and shows the provider used and the guardrails' report.")
public class GenerateCommand implements Action {

    @Argument(index = 0, name = "kind", required = true, description = "product-description, ad-headline, "
            + "ad-description, email-subject, email-body or push-message")
    private String kind;

    @Argument(index = 1, name = "item", description = "The catalogue item id (not with --recommend)")
    private String item;

    @Option(name = "--provider", description = "template, grounded, openai, ollama, ... (default: configured)")
    private String provider;

    @Option(name = "--locale", description = "Language tag, e.g. en or zh (default en)")
    private String locale = "en";

    @Option(name = "-n", aliases = "--variants", description = "How many variants (1 to 10)")
    private int variants = 1;

    @Option(name = "--tone", description = "The tone, e.g. friendly")
    private String tone;

    @Option(name = "--user", description = "The recipient's user id (as sources send it): their profile's consent "
            + "decides whether the first name is used")
    private String user;

    @Option(name = "--recommend", description = "Instead of ITEM: write about this many items recommended to --user")
    private Integer recommend;

    // Karaf stops reading options at the first argument; the syntax puts them after KIND ITEM.
    @Argument(index = 2, name = "options", multiValued = true, description = "--provider P, --locale L, "
            + "-n N, --tone T, --user U, --recommend N after KIND ITEM")
    private List<String> trailing;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ContentGenerator generator;

    /** Sources' user ids are stored pseudonymised: look the given id up the same way. */
    @Reference(optional = true)
    private Pseudonymiser pseudonymiser;

    @Override
    public Object execute() {
        ContentText.Options o;
        String theItem = item;
        List<String> rest = trailing == null ? new ArrayList<>() : new ArrayList<>(trailing);
        if (theItem != null && theItem.startsWith("-")) {
            // "KIND --user U --recommend N": Karaf took the first option for the ITEM argument
            rest.add(0, theItem);
            theItem = null;
        }
        try {
            o = ContentText.Options.parse(rest, new ContentText.Options(provider, locale, variants, tone, user,
                    recommend));
        } catch (IllegalArgumentException e) {
            session.getConsole().print("Error: " + e.getMessage() + "\n");
            return null;
        }
        Pseudonymiser p = pseudonymiser;
        session.getConsole().print(ContentText.generate(generator, kind, theItem, o,
                id -> p == null ? id : p.userId(id)));
        return null;
    }
}
