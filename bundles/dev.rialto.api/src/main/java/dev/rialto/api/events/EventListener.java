package dev.rialto.api.events;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: the store calls every registered listener with the newly stored events after commit.
 * Listeners must be quick and must not throw.
 */
@ConsumerType
public interface EventListener {
    void eventsStored(List<Event> events);
}
