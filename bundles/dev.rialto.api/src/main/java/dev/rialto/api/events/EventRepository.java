package dev.rialto.api.events;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/** Behaviour events in the store. Implementations notify every {@link EventListener} after commit. */
@ProviderType
public interface EventRepository {

    /**
     * Stores the events whose ids are new, in one transaction.
     *
     * @return how many were stored; the others were already there
     */
    int append(Collection<Event> events);

    long count();

    /** The user's most recent events, newest first. */
    List<Event> recentForUser(String userId, int limit);

    /** Streams every event with {@code from <= timestamp < to}, in time order. Null bounds are open. */
    void forEach(Instant from, Instant to, Consumer<Event> consumer);

    /** Number of events per item among the given types since the given time (null: all time). */
    Map<String, Long> countByItem(Set<EventType> types, Instant since);

    /** The time of the newest event, or null when there is none. */
    Instant newestTimestamp();
}
