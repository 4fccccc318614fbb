package dev.rialto.camel.internal.registry;

import java.util.List;

/** One service found in a {@link ServiceDirectory}. */
public interface ServiceHandle {

    /** The service id; stable for the life of the registration. */
    long id();

    /** The interfaces the service is registered under, loaded from the registering bundle. */
    List<Class<?>> interfaces();

    /**
     * The service object.
     *
     * @throws IllegalStateException when the service has gone away
     */
    Object service();
}
