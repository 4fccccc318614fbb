package dev.rialto.campaigns.internal.channel;

import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import org.apache.camel.CamelContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The email channel, present once {@code etc/dev.rialto.campaigns.email.cfg} names an SMTP server. Its
 * {@code rialto.provider} (default {@code email}) is the channel name campaigns use.
 */
@Component(name = EmailComponent.PID, configurationPid = EmailComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EmailComponent.Config.class)
public final class EmailComponent implements DeliveryChannel {
    public static final String PID = "dev.rialto.campaigns.email";

    @ObjectClassDefinition(name = "Rialto email channel", description = "Campaign email over SMTP (camel-mail)")
    public @interface Config {
        @AttributeDefinition(name = "rialto.provider", description = "The channel's name in campaign definitions")
        String rialto_provider() default "email";

        String host();

        int port() default 25;

        @AttributeDefinition(description = "SMTPS: TLS from the first byte (port 465)")
        boolean tls() default false;

        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Empty: from the environment variable"
                + " RIALTO_SMTP_PASSWORD")
        String password() default "";

        @AttributeDefinition(description = "The sender address")
        String from();

        @AttributeDefinition(description = "Unsubscribe URL with {profile}; empty: no List-Unsubscribe header")
        String unsubscribe_url() default "";

        int timeout_ms() default 10000;
    }

    private final EmailChannel channel;

    @Activate
    public EmailComponent(@Reference(name = "camel") CamelContext camel, Config config) {
        String password = config.password() == null || config.password().isEmpty()
                ? System.getenv().getOrDefault("RIALTO_SMTP_PASSWORD", "") : config.password();
        channel = new EmailChannel(camel, new EmailChannel.Settings(config.host(), config.port(), config.tls(),
                config.username(), password, config.from(), config.unsubscribe_url(), config.timeout_ms()));
    }

    @Deactivate
    void deactivate() {
        channel.close();
    }

    @Override
    public Purpose purpose() {
        return Purpose.EMAIL;
    }

    @Override
    public void deliver(Delivery delivery) throws DeliveryException {
        channel.deliver(delivery);
    }
}
