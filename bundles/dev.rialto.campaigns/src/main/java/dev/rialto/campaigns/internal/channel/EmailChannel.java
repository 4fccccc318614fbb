package dev.rialto.campaigns.internal.channel;

import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Sends each delivery as a plain-text email through camel-mail's SMTP producer. The delivery id travels in
 * {@code X-Rialto-Delivery-Id} (and the Message-ID), so a mail system can drop a repeat after a crash; a
 * {@code List-Unsubscribe} header carries the unsubscribe link. Connection and server-side failures are retried;
 * a refused address is not.
 */
public final class EmailChannel implements DeliveryChannel {

    /**
     * @param host           SMTP server
     * @param port           its port
     * @param tls            SMTPS (TLS from the first byte) instead of plain SMTP
     * @param username       login, or empty for none
     * @param password       its password (never logged)
     * @param from           the sender address
     * @param unsubscribeUrl a URL with {@code {profile}} in it, or empty for no List-Unsubscribe header
     * @param timeoutMs      connect and read timeout
     */
    public record Settings(String host, int port, boolean tls, String username, String password, String from,
            String unsubscribeUrl, int timeoutMs) {

        public Settings {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
            if (from == null || !from.contains("@")) {
                throw new IllegalArgumentException("from must be an email address, was '" + from + "'");
            }
        }
    }

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String uri;
    private final Settings settings;

    public EmailChannel(CamelContext camel, Settings settings) {
        this.camel = camel;
        this.settings = settings;
        this.producer = camel.createProducerTemplate();
        StringBuilder u = new StringBuilder(settings.tls() ? "smtps://" : "smtp://").append(settings.host())
                .append(':').append(settings.port()).append("?connectionTimeout=").append(settings.timeoutMs())
                .append("&from=").append(enc(settings.from()));
        if (settings.username() != null && !settings.username().isBlank()) {
            u.append("&username=").append(enc(settings.username()))
                    .append("&password=RAW(").append(settings.password() == null ? "" : settings.password()).append(')');
        }
        this.uri = u.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public Purpose purpose() {
        return Purpose.EMAIL;
    }

    @Override
    public void deliver(Delivery d) throws DeliveryException {
        if (d.address() == null || !d.address().contains("@")) {
            throw new DeliveryException("no valid email address", false);
        }
        if (d.body() == null || d.body().isBlank()) {
            throw new DeliveryException("no body: an email campaign needs a generate step", false);
        }
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        // Jakarta Mail and Activation find their providers through the context class loader: use Camel's bundle.
        Thread.currentThread().setContextClassLoader(camel.getApplicationContextClassLoader() != null
                ? camel.getApplicationContextClassLoader() : EmailChannel.class.getClassLoader());
        Exchange result;
        try {
            result = producer.request(uri, exchange -> {
                exchange.getMessage().setBody(d.body());
                exchange.getMessage().setHeader("To", d.address());
                exchange.getMessage().setHeader("Subject", d.subject() == null ? "" : d.subject());
                exchange.getMessage().setHeader("Content-Type", "text/plain; charset=UTF-8");
                exchange.getMessage().setHeader("X-Rialto-Delivery-Id", d.deliveryId());
                exchange.getMessage().setHeader("X-Rialto-Campaign", d.campaignId());
                String unsubscribe = settings.unsubscribeUrl();
                if (unsubscribe != null && !unsubscribe.isBlank()) {
                    exchange.getMessage().setHeader("List-Unsubscribe",
                            "<" + unsubscribe.replace("{profile}", enc(d.profileId())) + ">");
                }
            });
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        Exception failure = result.getException();
        if (failure != null) {
            String text = describe(failure);
            String lower = text.toLowerCase(Locale.ROOT);
            boolean permanent = lower.contains("invalid address") || lower.contains("sendfailedexception")
                    || lower.contains("550") || lower.contains("553") || lower.contains("addressexception");
            throw new DeliveryException("SMTP " + settings.host() + ": " + text, !permanent, failure);
        }
    }

    private static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null && out.length() < 400; c = c.getCause() == c ? null : c.getCause()) {
            if (out.length() > 0) {
                out.append(" <- ");
            }
            out.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                out.append(": ").append(c.getMessage().replaceAll("password=[^&\\s]*", "password=***"));
            }
        }
        return out.toString();
    }

    public void close() {
        try {
            producer.close();
        } catch (Exception e) {
            // nothing to recover on shutdown
        }
    }
}
