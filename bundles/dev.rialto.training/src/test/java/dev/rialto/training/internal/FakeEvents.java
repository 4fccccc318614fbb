package dev.rialto.training.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** An in-memory event store; {@link #block()} makes the next scan wait, to test concurrent runs. */
final class FakeEvents implements EventRepository {
    final List<Event> events = new ArrayList<>();
    volatile CountDownLatch entered;
    volatile CountDownLatch release;

    FakeEvents(Collection<Event> events) {
        append(events);
    }

    void block() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    @Override
    public synchronized int append(Collection<Event> batch) {
        events.addAll(batch);
        events.sort(Comparator.comparing(Event::timestamp));
        return batch.size();
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    /** Lets {@link #recentForUser} answer, for a scorer serving a trained model in the same test. */
    volatile boolean serving;

    @Override
    public synchronized List<Event> recentForUser(String userId, int limit) {
        if (!serving) {
            throw new UnsupportedOperationException("the trainer must build histories itself, before its cut-off");
        }
        List<Event> out = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (events.get(i).userId().equals(userId)) {
                out.add(events.get(i));
            }
        }
        return out;
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        if (entered != null) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Event> copy;
        synchronized (this) {
            copy = List.copyOf(events);
        }
        for (Event e : copy) {
            if ((from == null || !e.timestamp().isBefore(from)) && (to == null || e.timestamp().isBefore(to))) {
                consumer.accept(e);
            }
        }
    }

    @Override
    public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized Instant newestTimestamp() {
        return events.isEmpty() ? null : events.get(events.size() - 1).timestamp();
    }
}
