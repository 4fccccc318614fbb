package dev.rialto.content.llm.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible ({@code POST /v1/chat/completions}) and Ollama ({@code POST /api/chat}) chat server on
 * loopback that answers from a script, speaking each API's real JSON, and records the requests it got.
 */
final class FakeChatServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer: the content the model "says", or a raw status and body, after a delay. */
    record Reply(int status, String rawBody, String content, long delayMillis) {
        static Reply says(String content) {
            return new Reply(200, null, content, 0);
        }

        static Reply saysJson(String... variants) {
            ArrayNode array = JSON.createArrayNode();
            for (String v : variants) {
                array.add(v);
            }
            return says(array.toString());
        }

        static Reply raw(int status, String body) {
            return new Reply(status, body, null, 0);
        }

        Reply after(long millis) {
            return new Reply(status, rawBody, content, millis);
        }
    }

    /** One request as received. */
    record Received(String path, String authorization, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Reply> script = new ArrayDeque<>();
    private volatile Reply fallbackReply = Reply.raw(500, "{\"error\":{\"message\":\"no script\"}}");
    final List<Received> received = new CopyOnWriteArrayList<>();

    FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", e -> handle(e, false));
        server.createContext("/api/chat", e -> handle(e, true));
        server.setExecutor(executor);
        server.start();
    }

    String openAiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    String ollamaUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Replies in order; after the last, {@code always} is repeated. */
    synchronized FakeChatServer script(Reply always, Reply... first) {
        script.clear();
        script.addAll(List.of(first));
        fallbackReply = always;
        received.clear();
        return this;
    }

    private synchronized Reply next() {
        return script.isEmpty() ? fallbackReply : script.poll();
    }

    private void handle(HttpExchange exchange, boolean ollama) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Reply reply = next();
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String answer = reply.rawBody() != null ? reply.rawBody()
                    : ollama ? ollama(reply.content()) : openAi(reply.content());
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException e) {
                // the client gave up (timeout): fine
            }
        }
    }

    private static String openAi(String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-test");
        root.put("object", "chat.completion");
        root.put("created", 1_760_000_000L);
        root.put("model", "test-model");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        choice.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 120);
        usage.put("completion_tokens", 40);
        usage.put("total_tokens", 160);
        return root.toString();
    }

    private static String ollama(String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", "llama3.2");
        root.put("created_at", "2026-11-28T12:00:00.000Z");
        ObjectNode message = root.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        root.put("done", true);
        root.put("done_reason", "stop");
        root.put("total_duration", 1_000_000L);
        root.put("prompt_eval_count", 120);
        root.put("eval_count", 40);
        return root.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
