package dev.rialto.store.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

class ListenersTest {

    /** Counts how the whiteboard fetches and releases the listener service. */
    static final class CountingObjects implements ComponentServiceObjects<Consumer<String>> {
        final List<String> seen = new ArrayList<>();
        int gets;
        int ungets;
        final Consumer<String> service = seen::add;

        @Override
        public Consumer<String> getService() {
            gets++;
            return service;
        }

        @Override
        public void ungetService(Consumer<String> s) {
            ungets++;
        }

        @Override
        public ServiceReference<Consumer<String>> getServiceReference() {
            return null;
        }
    }

    @Test
    void serviceIsFetchedOnFirstNotificationOnlyAndReleasedOnUnbind() {
        Listeners<Consumer<String>> listeners = new Listeners<>();
        CountingObjects objects = new CountingObjects();
        listeners.add(objects);
        assertEquals(0, objects.gets, "binding must not fetch the service: that is the SCR cycle");

        listeners.notifyAll(l -> l.accept("a"), "test");
        listeners.notifyAll(l -> l.accept("b"), "test");
        assertEquals(List.of("a", "b"), objects.seen);
        assertEquals(1, objects.gets);

        listeners.remove(objects);
        assertEquals(1, objects.ungets);
        listeners.notifyAll(l -> l.accept("c"), "test");
        assertEquals(List.of("a", "b"), objects.seen);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        Listeners<Consumer<String>> listeners = new Listeners<>();
        List<String> got = new ArrayList<>();
        listeners.add(s -> {
            throw new IllegalStateException("boom");
        });
        listeners.add(got::add);
        listeners.notifyAll(l -> l.accept("x"), "test");
        assertEquals(List.of("x"), got);
    }
}
