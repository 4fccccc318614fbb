package dev.rialto.camel.internal.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * {@link ServiceDirectory} on the OSGi service registry. Services with {@code rialto.bean} are tracked from the start;
 * a tracker per class name is opened the first time a route asks for that class. A service object is got on first use
 * and released when the service is unregistered or the directory is closed.
 */
public final class OsgiServiceDirectory implements ServiceDirectory, AutoCloseable {
    /** Same as dev.rialto.api.common.ServiceProperties.BEAN_NAME; kept here so this bundle needs no API import. */
    public static final String BEAN_NAME = "rialto.bean";

    private final BundleContext context;
    private final Runnable onBeanAdded;
    private final ServiceTracker<Object, Tracked> beans;
    private final Map<String, ServiceTracker<Object, Tracked>> byClass = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param onBeanAdded called (on the registering thread) when a service with {@code rialto.bean} appears, so that
     *                    route files waiting for it can be retried
     */
    public OsgiServiceDirectory(BundleContext context, Runnable onBeanAdded) {
        this.context = context;
        this.onBeanAdded = onBeanAdded;
        this.beans = new ServiceTracker<>(context, filter("(" + BEAN_NAME + "=*)"), new Customizer(true));
        this.beans.open(true);
    }

    @Override
    public ServiceHandle byBeanName(String name) {
        ServiceReference<Object>[] refs = beans.getServiceReferences();
        if (refs == null) {
            return null;
        }
        ServiceReference<Object> best = null;
        for (ServiceReference<Object> ref : refs) {
            if (hasBeanName(ref, name) && (best == null || ref.compareTo(best) > 0)) {
                best = ref;
            }
        }
        return best == null ? null : beans.getService(best);
    }

    @Override
    public ServiceHandle byClassName(String className) {
        ServiceTracker<Object, Tracked> tracker = trackerFor(className);
        if (tracker == null) {
            return null;
        }
        ServiceReference<Object> best = tracker.getServiceReference();
        return best == null ? null : tracker.getService(best);
    }

    @Override
    public List<ServiceHandle> byType(Class<?> type) {
        List<ServiceHandle> found = new ArrayList<>();
        ServiceTracker<Object, Tracked> tracker = trackerFor(type.getName());
        if (tracker == null) {
            return found;
        }
        ServiceReference<Object>[] refs = tracker.getServiceReferences();
        if (refs == null) {
            return found;
        }
        for (ServiceReference<Object> ref : refs) {
            Bundle owner = ref.getBundle();
            if (owner != null && sameClass(owner, type)) {
                Tracked tracked = tracker.getService(ref);
                if (tracked != null) {
                    found.add(tracked);
                }
            }
        }
        return found;
    }

    @Override
    public ServiceHandle byId(long id) {
        Tracked tracked = find(beans, id);
        if (tracked != null) {
            return tracked;
        }
        for (ServiceTracker<Object, Tracked> tracker : byClass.values()) {
            tracked = find(tracker, id);
            if (tracked != null) {
                return tracked;
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        beans.close();
        byClass.values().forEach(ServiceTracker::close);
        byClass.clear();
    }

    /** Opens a tracker for the class only when such a service exists, so arbitrary names do not pile up trackers. */
    private ServiceTracker<Object, Tracked> trackerFor(String className) {
        ServiceTracker<Object, Tracked> tracker = byClass.get(className);
        if (tracker != null || closed) {
            return tracker;
        }
        try {
            if (context.getAllServiceReferences(className, null) == null) {
                return null;
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
        return byClass.computeIfAbsent(className, name -> {
            ServiceTracker<Object, Tracked> created = new ServiceTracker<>(context,
                    filter("(" + Constants.OBJECTCLASS + "=" + name + ")"), new Customizer(false));
            created.open(true);
            return created;
        });
    }

    private static Tracked find(ServiceTracker<Object, Tracked> tracker, long id) {
        for (Tracked tracked : tracker.getTracked().values()) {
            if (tracked.id() == id) {
                return tracked;
            }
        }
        return null;
    }

    private static boolean hasBeanName(ServiceReference<?> ref, String name) {
        Object value = ref.getProperty(BEAN_NAME);
        if (value instanceof String[] names) {
            for (String candidate : names) {
                if (name.equals(candidate)) {
                    return true;
                }
            }
            return false;
        }
        return value != null && name.equals(value.toString());
    }

    private static boolean sameClass(Bundle owner, Class<?> type) {
        try {
            return owner.loadClass(type.getName()) == type;
        } catch (ClassNotFoundException | IllegalStateException e) {
            return false;
        }
    }

    private static Filter filter(String text) {
        try {
            return FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + text, e);
        }
    }

    private final class Customizer implements ServiceTrackerCustomizer<Object, Tracked> {
        private final boolean notify;

        Customizer(boolean notify) {
            this.notify = notify;
        }

        @Override
        public Tracked addingService(ServiceReference<Object> reference) {
            Tracked tracked = new Tracked(reference);
            if (notify && onBeanAdded != null) {
                onBeanAdded.run();
            }
            return tracked;
        }

        @Override
        public void modifiedService(ServiceReference<Object> reference, Tracked service) {
            // properties are read from the reference on each lookup
        }

        @Override
        public void removedService(ServiceReference<Object> reference, Tracked service) {
            service.release();
        }
    }

    /** A tracked registration; the service object is got lazily so tracking does not activate lazy components. */
    private final class Tracked implements ServiceHandle {
        private final ServiceReference<Object> reference;
        private final long id;
        private Object service;
        private boolean released;

        Tracked(ServiceReference<Object> reference) {
            this.reference = reference;
            this.id = (Long) reference.getProperty(Constants.SERVICE_ID);
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public List<Class<?>> interfaces() {
            List<Class<?>> interfaces = new ArrayList<>();
            Bundle owner = reference.getBundle();
            Object names = reference.getProperty(Constants.OBJECTCLASS);
            if (owner == null || !(names instanceof String[] classNames)) {
                return interfaces;
            }
            for (String name : classNames) {
                try {
                    Class<?> type = owner.loadClass(name);
                    if (type.isInterface() && !interfaces.contains(type)) {
                        interfaces.add(type);
                    }
                } catch (ClassNotFoundException | IllegalStateException e) {
                    // a class its own bundle cannot load is skipped; the others still work
                }
            }
            return interfaces;
        }

        @Override
        public synchronized Object service() {
            if (released) {
                throw new ServiceUnavailableException("service " + id() + " was unregistered");
            }
            if (service == null) {
                service = context.getService(reference);
                if (service == null) {
                    throw new ServiceUnavailableException("service " + id() + " could not be obtained");
                }
            }
            return service;
        }

        synchronized void release() {
            released = true;
            if (service != null) {
                service = null;
                try {
                    context.ungetService(reference);
                } catch (IllegalStateException e) {
                    // our bundle is stopping: the framework releases it anyway
                }
            }
        }
    }
}
