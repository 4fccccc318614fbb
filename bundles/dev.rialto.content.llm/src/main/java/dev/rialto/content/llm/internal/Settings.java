package dev.rialto.content.llm.internal;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * A chat provider's validated configuration. {@link #toString()} never shows the key.
 *
 * @param name        the provider's name ({@code rialto.provider})
 * @param baseUrl     the endpoint's base URL
 * @param model       the model name the endpoint expects
 * @param apiKey      the API key, or null
 * @param timeout     per HTTP call
 * @param maxRetries  LangChain4j's retries of a failed call
 * @param temperature sampling temperature
 * @param maxTokens   the answer's token limit
 */
record Settings(String name, String baseUrl, String model, String apiKey, Duration timeout, int maxRetries,
        double temperature, int maxTokens) {

    static Settings of(String name, String baseUrl, String model, String apiKey, String apiKeyEnv,
            Function<String, String> environment, int timeoutSeconds, int maxRetries, double temperature,
            int maxTokens) {
        if (name == null || !name.strip().matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("rialto.provider must be a lower-case name such as openai, was '"
                    + name + "'");
        }
        String url = baseUrl == null ? "" : baseUrl.strip();
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base.url must be an http or https URL, was '" + url + "'", e);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 600) {
            throw new IllegalArgumentException("timeout.seconds must be between 1 and 600, was " + timeoutSeconds);
        }
        if (maxRetries < 0 || maxRetries > 5) {
            throw new IllegalArgumentException("max.retries must be between 0 and 5, was " + maxRetries);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (maxTokens < 16 || maxTokens > 32768) {
            throw new IllegalArgumentException("max.tokens must be between 16 and 32768, was " + maxTokens);
        }
        String key = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (key == null && apiKeyEnv != null && !apiKeyEnv.isBlank()) {
            String fromEnv = environment.apply(apiKeyEnv.strip());
            key = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
        }
        return new Settings(name.strip(), url.replaceAll("/+$", ""), model.strip(), key,
                Duration.ofSeconds(timeoutSeconds), maxRetries, temperature, maxTokens);
    }

    @Override
    public String toString() {
        return "Settings[name=" + name + ", baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "set") + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
