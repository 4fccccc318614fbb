package dev.rialto.campaigns.internal.channel;

import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each delivery as JSON (the outbox line) to a URL. The delivery id goes in {@code Idempotency-Key}, so the
 * receiver can drop a repeat after a crash; with a secret, {@code X-Rialto-Signature: sha256=<hex HMAC of the
 * body>} lets it check the sender. 2xx is success; 408, 429, 5xx and I/O errors are retried; other answers fail.
 */
public final class WebhookChannel implements DeliveryChannel {
    private final URI url;
    private final Duration timeout;
    private final byte[] secret;
    private final Purpose purpose;
    private final HttpClient client;

    public WebhookChannel(URI url, Duration timeout, String secret, Purpose purpose) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an http or https URL, was '" + url + "'");
        }
        this.url = url;
        this.timeout = timeout;
        this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.purpose = purpose;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Purpose purpose() {
        return purpose;
    }

    @Override
    public void deliver(Delivery d) throws DeliveryException {
        byte[] body = OutboxChannel.line(d).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", d.deliveryId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            request.header("X-Rialto-Signature", "sha256=" + sign(body));
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryException("POST " + url.getHost() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", true, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw new DeliveryException("HTTP " + status + " from " + url.getHost(), retryable);
    }

    private String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
