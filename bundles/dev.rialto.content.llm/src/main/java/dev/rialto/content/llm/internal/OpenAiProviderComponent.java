package dev.rialto.content.llm.internal;

import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentProvider;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code openai} provider: any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, llama.cpp server,
 * hosted services). One instance per factory configuration {@code etc/dev.rialto.content.llm.openai-NAME.cfg}
 * ({@code -default} is shipped), each with its own {@code rialto.provider}. Nothing is contacted until a request
 * names the provider.
 */
@Component(service = ContentProvider.class, configurationPid = "dev.rialto.content.llm.openai",
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = ContentProvider.PROVIDER + "=openai")
@Designate(ocd = OpenAiProviderComponent.Config.class, factory = true)
public class OpenAiProviderComponent implements ContentProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProviderComponent.class);

    @ObjectClassDefinition(name = "Rialto content: OpenAI-compatible chat provider")
    public @interface Config {
        @AttributeDefinition(name = "Provider name", description = "The rialto.provider requests use.")
        String rialto_provider() default "openai";

        @AttributeDefinition(name = "Base URL", description = "The API's base URL, e.g. http://localhost:8000/v1 "
                + "(vLLM), http://localhost:8080/v1 (llama.cpp server), https://api.openai.com/v1.")
        String base_url() default "http://localhost:8000/v1";

        @AttributeDefinition(name = "Model")
        String model() default "default";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "Private property (not a service property). Empty: read the variable below.")
        String _api_key() default "";

        @AttributeDefinition(name = "API key variable", description = "Environment variable with the key.")
        String api_key_env() default "OPENAI_API_KEY";

        @AttributeDefinition(name = "Timeout (seconds)", description = "Per HTTP call, 1 to 600.")
        int timeout_seconds() default 30;

        @AttributeDefinition(name = "Retries", description = "Retries of a failed call (0 to 5).")
        int max_retries() default 1;

        double temperature() default 0.7;

        int max_tokens() default 600;
    }

    private final ChatProvider provider;

    @Activate
    public OpenAiProviderComponent(Config config) {
        Settings settings = Settings.of(config.rialto_provider(), config.base_url(), config.model(),
                config._api_key(), config.api_key_env(), System::getenv, config.timeout_seconds(),
                config.max_retries(), config.temperature(), config.max_tokens());
        provider = new ChatProvider(settings.name(), Models.openAi(settings), settings.apiKey());
        LOG.info("Content provider {}: OpenAI-compatible endpoint {} model {}, API key {}", settings.name(),
                settings.baseUrl(), settings.model(), settings.apiKey() == null ? "not set" : "set");
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
