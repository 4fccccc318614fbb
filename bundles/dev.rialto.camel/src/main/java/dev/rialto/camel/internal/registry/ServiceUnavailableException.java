package dev.rialto.camel.internal.registry;

/** A route called a service that is not registered (any more). */
public class ServiceUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message) {
        super(message);
    }
}
