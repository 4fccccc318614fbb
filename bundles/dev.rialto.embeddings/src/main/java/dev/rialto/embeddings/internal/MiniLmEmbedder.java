package dev.rialto.embeddings.internal;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.embeddings.TextEmbedder;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/** all-MiniLM-L6-v2 (quantised) for English texts: 384 dimensions. */
@Component(name = EmbeddingsConfig.PID + ".minilm", configurationPid = EmbeddingsConfig.PID,
        service = TextEmbedder.class,
        property = {ServiceProperties.PROVIDER + "=minilm", TextEmbedder.LANGUAGES + "=en"})
@Designate(ocd = EmbeddingsConfig.class)
public class MiniLmEmbedder implements TextEmbedder {

    private final OnnxTextEmbedder delegate;

    @Activate
    public MiniLmEmbedder(EmbeddingsConfig config) {
        // A config change re-creates the component (no @Modified): the model is reloaded with the new settings.
        delegate = EmbedderSettings.of(config).load(ModelSpec.MINILM);
    }

    @Deactivate
    void deactivate() {
        delegate.close();
    }

    @Override
    public String model() {
        return delegate.model();
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public Set<String> languages() {
        return delegate.languages();
    }

    @Override
    public float[][] embed(List<String> texts) {
        return delegate.embed(texts);
    }
}
