package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The real generation loop of dev.rialto.content (default settings, shipped templates) for the LLM tests. */
public final class EngineForTests {
    private EngineForTests() {
    }

    public static ContentGenerator engine(Map<String, ContentProvider> providers, Map<String, Item> catalogue)
            throws IOException {
        TemplateCatalog catalog = new TemplateCatalog(null);
        catalog.putSource("bundle:1", TemplateCatalog.readTree(
                Path.of("../dev.rialto.content/src/main/resources/META-INF/rialto/templates")));
        ContentEngine engine = new ContentEngine(ContentEngine.Settings.defaults(),
                new Guardrails(Guardrails.Settings.defaults()), new TemplateProvider(catalog), providers::get,
                () -> new TreeSet<>(providers.keySet()), ids -> {
                    Map<String, Item> out = new LinkedHashMap<>();
                    ids.forEach(id -> {
                        if (catalogue.containsKey(id)) {
                            out.put(id, catalogue.get(id));
                        }
                    });
                    return out;
                }, language -> null);
        return new ContentGenerator() {
            @Override
            public ContentResponse generate(ContentRequest request) {
                return engine.generate(request);
            }

            @Override
            public Set<String> providers() {
                return engine.providers();
            }

            @Override
            public GuardrailReport check(ContentRequest request, String text) {
                return engine.check(request, text);
            }
        };
    }

    /** The footer an email body must end with. */
    public static String footer(String language) {
        return "You receive this email because you subscribed to our news. Unsubscribe: "
                + ContentConfigDefaults.UNSUBSCRIBE_URL + "\n" + ContentConfigDefaults.SENDER;
    }
}
