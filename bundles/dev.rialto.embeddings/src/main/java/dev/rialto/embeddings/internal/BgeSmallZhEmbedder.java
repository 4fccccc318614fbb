package dev.rialto.embeddings.internal;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.embeddings.TextEmbedder;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** bge-small-zh-v1.5 (quantised) for Chinese texts: 512 dimensions. */
@Component(name = EmbeddingsConfig.PID + ".bge-small-zh", configurationPid = EmbeddingsConfig.PID,
        service = TextEmbedder.class,
        property = {ServiceProperties.PROVIDER + "=bge-small-zh", TextEmbedder.LANGUAGES + "=zh"})
public class BgeSmallZhEmbedder implements TextEmbedder {

    private final OnnxTextEmbedder delegate;

    @Activate
    public BgeSmallZhEmbedder(EmbeddingsConfig config) {
        // A config change re-creates the component (no @Modified): the model is reloaded with the new settings.
        delegate = EmbedderSettings.of(config).load(ModelSpec.BGE_SMALL_ZH);
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
