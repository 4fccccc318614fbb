package dev.rialto.campaigns.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {
    HttpServer server;
    final Map<String, String> received = new ConcurrentHashMap<>();
    final Map<String, String> signatures = new ConcurrentHashMap<>();
    final AtomicInteger status = new AtomicInteger(200);
    volatile long delayMs;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            received.put(key, new String(body, StandardCharsets.UTF_8));
            String sig = exchange.getRequestHeaders().getFirst("X-Rialto-Signature");
            if (sig != null) {
                signatures.put(key, sig);
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    static Delivery delivery(String id) {
        return new Delivery(id, "weekly", "run-1", "A", "u1", null, "Hello", "Body", List.of("i1", "i2"), null,
                Map.of(), Instant.parse("2026-11-28T10:00:00Z"));
    }

    @Test
    void postsTheDeliveryWithItsIdempotencyKeyAndSignature() throws Exception {
        // generous: the first request of a JDK HttpClient can take seconds on a busy CI machine
        WebhookChannel hook = new WebhookChannel(url(), Duration.ofSeconds(20), "s3cret", Purpose.PERSONALISATION);
        hook.deliver(delivery("run-1:u1:1"));
        String body = received.get("run-1:u1:1");
        assertTrue(body.contains("\"items\":[\"i1\",\"i2\"]"), body);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))),
                signatures.get("run-1:u1:1"));
    }

    @Test
    void serverErrorsAndTimeoutsAreRetryableClientErrorsAreNot() {
        WebhookChannel hook = new WebhookChannel(url(), Duration.ofMillis(300), "", Purpose.PERSONALISATION);
        status.set(503);
        DeliveryException e503 = assertThrows(DeliveryException.class, () -> hook.deliver(delivery("a")));
        assertTrue(e503.retryable());
        assertEquals("HTTP 503 from 127.0.0.1", e503.getMessage());
        status.set(400);
        assertFalse(assertThrows(DeliveryException.class, () -> hook.deliver(delivery("b"))).retryable());
        status.set(200);
        delayMs = 1000;
        DeliveryException timeout = assertThrows(DeliveryException.class, () -> hook.deliver(delivery("c")));
        assertTrue(timeout.retryable(), timeout.getMessage());
    }

    @Test
    void refusesUrlsThatAreNotHttp() {
        assertEquals("url must be an http or https URL, was 'file:/etc/passwd'",
                assertThrows(IllegalArgumentException.class, () -> new WebhookChannel(URI.create("file:/etc/passwd"),
                        Duration.ofSeconds(1), null, Purpose.EMAIL)).getMessage());
    }
}
