package dev.rialto.camel.internal.registry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.spi.BeanRepository;

/**
 * Camel bean repository over a {@link ServiceDirectory}.
 *
 * <p>Camel caches the bean a route resolved (singleton scope), so handing it the service object would keep a route
 * calling a service after its bundle stopped or was updated. Instead routes get a proxy of the service's interfaces
 * that resolves the current service on every call and fails with {@link ServiceUnavailableException} when there is
 * none. A service registered without any interface is returned as is (it cannot be proxied).
 */
public final class ServiceBeanRepository implements BeanRepository {
    private final ServiceDirectory directory;
    private final Map<String, Object> proxies = new ConcurrentHashMap<>();

    public ServiceBeanRepository(ServiceDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object lookupByName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        ServiceHandle handle = directory.byBeanName(name);
        if (handle != null) {
            return proxy("bean:" + name, handle.interfaces(), () -> directory.byBeanName(name), handle,
                    "rialto.bean=" + name);
        }
        // Only names that look like a class name can be an objectClass; spares the registry Camel's own lookups.
        if (name.indexOf('.') > 0 && !name.startsWith("org.apache.camel.")) {
            handle = directory.byClassName(name);
            if (handle != null) {
                return proxy("class:" + name, handle.interfaces(), () -> directory.byClassName(name), handle,
                        "objectClass=" + name);
            }
        }
        return null;
    }

    @Override
    public <T> T lookupByNameAndType(String name, Class<T> type) {
        Object bean = lookupByName(name);
        return type.isInstance(bean) ? type.cast(bean) : null;
    }

    @Override
    public <T> Map<String, T> findByTypeWithName(Class<T> type) {
        // Camel looks up its own SPI types by type while it starts: those are never taken from the OSGi registry.
        if (type.getName().startsWith("org.apache.camel.") || type == Object.class) {
            return Map.of();
        }
        Map<String, T> found = new LinkedHashMap<>();
        for (ServiceHandle handle : directory.byType(type)) {
            long id = handle.id();
            Object bean = type.isInterface()
                    ? proxy("id:" + id + ":" + type.getName(), List.of(type), () -> directory.byId(id), handle,
                            "service.id=" + id)
                    : handle.service();
            if (type.isInstance(bean)) {
                found.put(String.valueOf(id), type.cast(bean));
            }
        }
        return found;
    }

    @Override
    public <T> Set<T> findByType(Class<T> type) {
        return new LinkedHashSet<>(findByTypeWithName(type).values());
    }

    private Object proxy(String key, List<Class<?>> interfaces, Supplier<ServiceHandle> resolver, ServiceHandle found,
            String description) {
        if (interfaces.isEmpty()) {
            return found.service();
        }
        Object cached = proxies.get(key);
        if (cached != null && Arrays.asList(cached.getClass().getInterfaces()).equals(interfaces)) {
            return cached;
        }
        // The interfaces come from other bundles: define the proxy where all of them are visible.
        ClassLoader loader = new InterfacesClassLoader(interfaces);
        Object created = Proxy.newProxyInstance(loader, interfaces.toArray(new Class<?>[0]),
                new Delegate(resolver, description));
        proxies.put(key, created);
        return created;
    }

    /** Calls the current service; a service whose classes were reloaded is matched by method signature. */
    private static final class Delegate implements InvocationHandler {
        private final Supplier<ServiceHandle> resolver;
        private final String description;

        Delegate(Supplier<ServiceHandle> resolver, String description) {
            this.resolver = resolver;
            this.description = description;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "OSGi service (" + description + ")";
                };
            }
            ServiceHandle handle = resolver.get();
            Object target;
            try {
                target = handle == null ? null : handle.service();
            } catch (IllegalStateException gone) {
                target = null;
            }
            if (target == null) {
                throw new ServiceUnavailableException("OSGi service (" + description + ") is not available");
            }
            Method call = method.getDeclaringClass().isInstance(target) ? method : sameSignature(target, method);
            try {
                return call.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Method sameSignature(Object target, Method method) {
            for (Method candidate : target.getClass().getMethods()) {
                if (candidate.getName().equals(method.getName())
                        && candidate.getParameterCount() == method.getParameterCount()
                        && Arrays.equals(names(candidate.getParameterTypes()), names(method.getParameterTypes()))) {
                    return candidate;
                }
            }
            throw new ServiceUnavailableException("OSGi service (" + description + ") no longer has method "
                    + method.getName() + ": its bundle changed its interface");
        }

        private static String[] names(Class<?>[] types) {
            return Arrays.stream(types).map(Class::getName).toArray(String[]::new);
        }
    }

    /** Sees the proxied interfaces, each through its own loader. */
    private static final class InterfacesClassLoader extends ClassLoader {
        private final Set<ClassLoader> loaders = new LinkedHashSet<>();

        InterfacesClassLoader(List<Class<?>> interfaces) {
            super(null);
            for (Class<?> type : interfaces) {
                loaders.add(type.getClassLoader());
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            for (ClassLoader loader : loaders) {
                try {
                    return Class.forName(name, false, loader);
                } catch (ClassNotFoundException e) {
                    // try the next one
                }
            }
            throw new ClassNotFoundException(name);
        }
    }
}
