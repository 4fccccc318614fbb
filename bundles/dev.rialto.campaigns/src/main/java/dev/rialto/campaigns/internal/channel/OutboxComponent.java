package dev.rialto.campaigns.internal.channel;

import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.common.ServiceProperties;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The {@code outbox} channel: JSON Lines files under {@code ${karaf.data}/rialto/outbox} (configurable). */
@Component(name = OutboxComponent.PID, configurationPid = OutboxComponent.PID,
        property = ServiceProperties.PROVIDER + "=outbox")
@Designate(ocd = OutboxComponent.Config.class)
public final class OutboxComponent implements DeliveryChannel {
    public static final String PID = "dev.rialto.campaigns.outbox";

    @ObjectClassDefinition(name = "Rialto outbox channel", description = "Deliveries as JSON Lines files")
    public @interface Config {
        @AttributeDefinition(description = "Folder; empty means ${karaf.data}/rialto/outbox")
        String folder() default "";

        @AttributeDefinition(description = "Force each line to disk (survives power loss; slower)")
        boolean fsync() default false;
    }

    private final OutboxChannel outbox;

    @Activate
    public OutboxComponent(Config config) {
        String folder = config.folder() == null ? "" : config.folder().strip();
        Path path = folder.isEmpty()
                ? Path.of(System.getProperty("karaf.data", "data"), "rialto", "outbox")
                : Path.of(folder);
        outbox = new OutboxChannel(path, config.fsync());
    }

    @Deactivate
    void deactivate() {
        outbox.close();
    }

    @Override
    public Purpose purpose() {
        return outbox.purpose();
    }

    @Override
    public void deliver(Delivery delivery) throws DeliveryException {
        outbox.deliver(delivery);
    }
}
