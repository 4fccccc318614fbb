package dev.rialto.campaigns.internal.channel;

import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A webhook channel per factory configuration {@code etc/dev.rialto.campaigns.webhook~NAME.cfg}; its
 * {@code rialto.provider} property names the channel that campaigns refer to.
 */
@Component(name = WebhookComponent.PID, configurationPid = WebhookComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WebhookComponent.Config.class, factory = true)
public final class WebhookComponent implements DeliveryChannel {
    public static final String PID = "dev.rialto.campaigns.webhook";

    @ObjectClassDefinition(name = "Rialto webhook channel", description = "Deliveries POSTed as JSON to a URL")
    public @interface Config {
        @AttributeDefinition(name = "rialto.provider", description = "The channel's name in campaign definitions")
        String rialto_provider() default "webhook";

        @AttributeDefinition(description = "The http(s) URL to POST to")
        String url();

        @AttributeDefinition(description = "Connect and answer timeout, ms")
        long timeout_ms() default 5000;

        @AttributeDefinition(description = "HMAC-SHA256 key for X-Rialto-Signature; empty: no signature",
                type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String secret() default "";

        @AttributeDefinition(description = "Consent the recipient must have given: personalisation, email or ads")
        String purpose() default "personalisation";
    }

    private final WebhookChannel channel;

    @Activate
    public WebhookComponent(Config config) {
        if (config.url() == null || config.url().isBlank()) {
            throw new IllegalArgumentException("url must not be blank");
        }
        Purpose purpose;
        try {
            purpose = Purpose.valueOf(config.purpose().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("purpose must be personalisation, email or ads, was '"
                    + config.purpose() + "'");
        }
        channel = new WebhookChannel(URI.create(config.url().strip()), Duration.ofMillis(config.timeout_ms()),
                config.secret(), purpose);
    }

    @Override
    public Purpose purpose() {
        return channel.purpose();
    }

    @Override
    public void deliver(Delivery delivery) throws DeliveryException {
        channel.deliver(delivery);
    }
}
