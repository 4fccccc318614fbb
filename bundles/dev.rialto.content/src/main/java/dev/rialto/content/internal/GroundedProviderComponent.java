package dev.rialto.content.internal;

import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.embeddings.TextEmbedder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code grounded} provider as a service. The text embedders are optional: without one for the item's
 * language, sentences are ranked by the words they share with the audience.
 */
@Component(service = ContentProvider.class, property = ContentProvider.PROVIDER + "=" + GroundedProvider.NAME)
public class GroundedProviderComponent implements ContentProvider {

    private final Map<TextEmbedder, String[]> embedders = new ConcurrentHashMap<>();
    private final GroundedProvider provider = new GroundedProvider(this::embedder);

    @Override
    public String name() {
        return provider.name();
    }

    @Override
    public List<String> draft(ContentBrief brief) {
        return provider.draft(brief);
    }

    TextEmbedder embedder(String language) {
        for (Map.Entry<TextEmbedder, String[]> e : embedders.entrySet()) {
            if (Arrays.asList(e.getValue()).contains(language)) {
                return e.getKey();
            }
        }
        return null;
    }

    @Reference(name = "embedder", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindEmbedder")
    void bindEmbedder(TextEmbedder embedder, Map<String, Object> properties) {
        embedders.put(embedder, ContentGeneratorComponent.languages(properties.get(TextEmbedder.LANGUAGES)));
    }

    void unbindEmbedder(TextEmbedder embedder) {
        embedders.remove(embedder);
    }
}
