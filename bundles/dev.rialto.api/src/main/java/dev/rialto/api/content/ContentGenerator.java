package dev.rialto.api.content;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The content façade: resolves the items, asks the chosen {@link ContentProvider}, checks every draft with the
 * guardrails, regenerates failed drafts a configured number of times, then falls back to the template provider,
 * whose output is made compliant as a last resort. It always returns compliant copy for known items.
 */
@ProviderType
public interface ContentGenerator {

    /** The provider used when a request names none. */
    String TEMPLATE_PROVIDER = "template";

    /**
     * Generates copy.
     *
     * @throws IllegalArgumentException when the request names an unknown provider (field {@code provider})
     * @throws UnknownItemException     when an item is not in the catalogue
     */
    ContentResponse generate(ContentRequest request);

    /** The names of the providers available now. */
    Set<String> providers();

    /** Runs the guardrails on a text as if a provider had drafted it for the request. */
    GuardrailReport check(ContentRequest request, String text);
}
