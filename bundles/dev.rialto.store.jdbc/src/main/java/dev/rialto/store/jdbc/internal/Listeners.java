package dev.rialto.store.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The whiteboard of change listeners of one repository.
 *
 * <p>Listeners bound through DS are fetched when there is first something to tell them, not when the repository
 * activates: the listeners (the index, the popularity counters) reference the repository themselves, and fetching
 * them while it activates is a cycle that SCR refuses ("Circular reference detected"), leaving them unbound.
 */
final class Listeners<L> {

    private final Map<Object, Holder<L>> listeners = new ConcurrentHashMap<>();

    /** A listener object handed over directly (tests, plain Java). */
    void add(L listener) {
        listeners.put(listener, new Holder<>(null, listener));
    }

    void remove(L listener) {
        listeners.remove(listener);
    }

    /** A listener service, fetched on first use. */
    void add(ComponentServiceObjects<L> objects) {
        listeners.put(objects, new Holder<>(objects, null));
    }

    void remove(ComponentServiceObjects<L> objects) {
        Holder<L> holder = listeners.remove(objects);
        if (holder != null) {
            holder.release();
        }
    }

    /** Calls every listener; one that throws is logged and does not stop the others. */
    void notifyAll(Consumer<L> call, String what) {
        List<L> current = new ArrayList<>(listeners.size());
        for (Holder<L> holder : listeners.values()) {
            L listener = holder.get();
            if (listener != null) {
                current.add(listener);
            }
        }
        Jdbc.notifyAll(current, call, what);
    }

    private static final class Holder<L> {
        private final ComponentServiceObjects<L> objects;
        private L service;

        Holder(ComponentServiceObjects<L> objects, L service) {
            this.objects = objects;
            this.service = service;
        }

        synchronized L get() {
            if (service == null && objects != null) {
                service = objects.getService();
            }
            return service;
        }

        synchronized void release() {
            if (service != null && objects != null) {
                objects.ungetService(service);
            }
            service = null;
        }
    }
}
