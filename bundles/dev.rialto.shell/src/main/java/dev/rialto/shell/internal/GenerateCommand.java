package dev.rialto.shell.internal;

import dev.rialto.api.content.ContentGenerator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:generate KIND ITEM [--provider P] [--locale L] [-n VARIANTS] [--tone T]}. */
@Service
@Command(scope = "rialto", name = "generate",
        description = "Generates copy for a catalogue item and shows the provider used and the guardrails' report.")
public class GenerateCommand implements Action {

    @Argument(index = 0, name = "kind", required = true, description = "product-description, ad-headline, "
            + "ad-description, email-subject, email-body or push-message")
    private String kind;

    @Argument(index = 1, name = "item", required = true, description = "The catalogue item id")
    private String item;

    @Option(name = "--provider", description = "template, grounded, openai, ollama, ... (default: configured)")
    private String provider;

    @Option(name = "--locale", description = "Language tag, e.g. en or zh (default en)")
    private String locale = "en";

    @Option(name = "-n", aliases = "--variants", description = "How many variants (1 to 10)")
    private int variants = 1;

    @Option(name = "--tone", description = "The tone, e.g. friendly")
    private String tone;

    // Karaf stops reading options at the first argument; the syntax puts them after KIND ITEM.
    @Argument(index = 2, name = "options", multiValued = true, description = "--provider P, --locale L, "
            + "-n N, --tone T after KIND ITEM")
    private List<String> trailing;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ContentGenerator generator;

    @Override
    public Object execute() {
        ContentText.Options o;
        try {
            o = ContentText.Options.parse(trailing, new ContentText.Options(provider, locale, variants, tone));
        } catch (IllegalArgumentException e) {
            session.getConsole().print("Error: " + e.getMessage() + "\n");
            return null;
        }
        session.getConsole().print(ContentText.generate(generator, kind, item, o.provider(), o.locale(),
                o.variants(), o.tone()));
        return null;
    }
}
