package dev.rialto.content.llm.internal;

import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentProvider;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ollama} provider: Ollama's native chat API ({@code /api/chat}). One instance per configuration, as for
 * {@link OpenAiProviderComponent}; nothing is contacted until a request names the provider.
 */
@Component(service = ContentProvider.class, configurationPid = "dev.rialto.content.llm.ollama",
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = ContentProvider.PROVIDER + "=ollama")
@Designate(ocd = OllamaProviderComponent.Config.class, factory = true)
public class OllamaProviderComponent implements ContentProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OllamaProviderComponent.class);

    @ObjectClassDefinition(name = "Rialto content: Ollama chat provider")
    public @interface Config {
        @AttributeDefinition(name = "Provider name", description = "The rialto.provider requests use.")
        String rialto_provider() default "ollama";

        @AttributeDefinition(name = "Base URL", description = "Ollama's URL, without /api.")
        String base_url() default "http://localhost:11434";

        @AttributeDefinition(name = "Model")
        String model() default "llama3.2";

        @AttributeDefinition(name = "Timeout (seconds)", description = "Per HTTP call, 1 to 600.")
        int timeout_seconds() default 30;

        @AttributeDefinition(name = "Retries", description = "Retries of a failed call (0 to 5).")
        int max_retries() default 1;

        double temperature() default 0.7;

        int max_tokens() default 600;
    }

    private final ChatProvider provider;

    @Activate
    public OllamaProviderComponent(Config config) {
        Settings settings = Settings.of(config.rialto_provider(), config.base_url(), config.model(),
                null, null, System::getenv, config.timeout_seconds(),
                config.max_retries(), config.temperature(), config.max_tokens());
        provider = new ChatProvider(settings.name(), Models.ollama(settings), settings.apiKey());
        LOG.info("Content provider {}: Ollama at {} model {}", settings.name(), settings.baseUrl(), settings.model());
    }

    @Override
    public String name() {
        return provider.name();
    }

    @Override
    public List<String> draft(ContentBrief brief) {
        return provider.draft(brief);
    }
}
