package dev.rialto.camel.internal;

/** Two sources (files, services) want the same route id. */
public class RouteIdConflictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RouteIdConflictException(String message) {
        super(message);
    }
}
