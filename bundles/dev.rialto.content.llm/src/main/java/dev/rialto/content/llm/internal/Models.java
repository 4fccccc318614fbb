package dev.rialto.content.llm.internal;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.http.HttpClient;

/**
 * Builds the LangChain4j chat models. The HTTP client builder is passed explicitly: LangChain4j would otherwise
 * find one with ServiceLoader, which in OSGi depends on the thread's context class loader. Request and response
 * logging stay off: requests carry the key in a header and personal data in the prompt.
 */
final class Models {
    private Models() {
    }

    private static JdkHttpClientBuilder http(Settings s) {
        return JdkHttpClient.builder()
                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
                .connectTimeout(s.timeout())
                .readTimeout(s.timeout());
    }

    static ChatModel openAi(Settings s) {
        return withBundleLoader(() -> OpenAiChatModel.builder()
                .httpClientBuilder(http(s))
                .baseUrl(s.baseUrl())
                // OpenAI-compatible servers without auth (vLLM, llama.cpp) accept any key; LangChain4j needs one.
                .apiKey(s.apiKey() == null ? "none" : s.apiKey())
                .modelName(s.model())
                .timeout(s.timeout())
                .maxRetries(s.maxRetries())
                .temperature(s.temperature())
                .maxTokens(s.maxTokens())
                .logRequests(false)
                .logResponses(false)
                .build());
    }

    static ChatModel ollama(Settings s) {
        return withBundleLoader(() -> OllamaChatModel.builder()
                .httpClientBuilder(http(s))
                .baseUrl(s.baseUrl())
                .modelName(s.model())
                .timeout(s.timeout())
                .maxRetries(s.maxRetries())
                .temperature(s.temperature())
                .numPredict(s.maxTokens())
                .logRequests(false)
                .logResponses(false)
                .build());
    }

    private static <T> T withBundleLoader(java.util.function.Supplier<T> build) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(Models.class.getClassLoader());
        try {
            return build.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
