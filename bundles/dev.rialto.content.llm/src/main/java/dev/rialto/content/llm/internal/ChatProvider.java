package dev.rialto.content.llm.internal;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentProviderException;
import java.util.List;

/**
 * A {@link ContentProvider} on a LangChain4j chat model. Every failure (timeout, HTTP error, unreadable answer)
 * becomes a {@link ContentProviderException} whose message never holds the API key; the generator then falls
 * back to the template provider.
 */
final class ChatProvider implements ContentProvider {

    private final String name;
    private final ChatModel model;
    private final String secret;

    /** @param secret the API key, only to redact it from error messages; may be null */
    ChatProvider(String name, ChatModel model, String secret) {
        this.name = name;
        this.model = model;
        this.secret = secret;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> draft(ContentBrief brief) {
        ChatResponse response;
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        // LangChain4j looks up JSON codecs and HTTP clients with ServiceLoader on the context class loader first;
        // the embedded jars are visible to this bundle's loader.
        thread.setContextClassLoader(ChatProvider.class.getClassLoader());
        try {
            response = model.chat(SystemMessage.from(Prompts.system(brief)), UserMessage.from(Prompts.user(brief)));
        } catch (RuntimeException e) {
            throw new ContentProviderException(name + ": " + describe(e));
        } finally {
            thread.setContextClassLoader(before);
        }
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) {
            throw new ContentProviderException(name + ": the answer holds no text");
        }
        List<String> variants = Answers.variants(response.aiMessage().text());
        if (variants.isEmpty()) {
            throw new ContentProviderException(name + ": the answer holds no variant");
        }
        return variants;
    }

    /** The failure's kind and a short message, with the key redacted (error bodies may quote request headers). */
    String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (root != e && root.getMessage() != null) {
            message = message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        if (secret != null && !secret.isEmpty()) {
            message = message.replace(secret, "***");
        }
        message = message.replaceAll("\\s+", " ").strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
