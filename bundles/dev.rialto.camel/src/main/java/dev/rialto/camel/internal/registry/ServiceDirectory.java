package dev.rialto.camel.internal.registry;

import java.util.List;

/**
 * Where routes find services. The OSGi implementation is {@link OsgiServiceDirectory}; tests use an in-memory one.
 * Every method answers from the current registrations: a handle found earlier may have gone.
 */
public interface ServiceDirectory {

    /** The best-ranked service registered with {@code rialto.bean=name}, or null. */
    ServiceHandle byBeanName(String name);

    /** The best-ranked service registered under the fully qualified interface name, or null. */
    ServiceHandle byClassName(String className);

    /** The services registered under {@code type} whose registering bundle sees the same class. */
    List<ServiceHandle> byType(Class<?> type);

    /** The service with this id if it is still registered (and was found before), or null. */
    ServiceHandle byId(long id);
}
