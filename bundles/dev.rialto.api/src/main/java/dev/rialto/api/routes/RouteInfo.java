package dev.rialto.api.routes;

import java.util.Objects;

/**
 * One route of the context.
 *
 * @param routeId the route id
 * @param source  where it came from: {@code file:/abs/path.camel.yaml}, {@code service:<bundle>/<service.id>},
 *                or {@code context} for routes added by other means
 * @param status  Camel's status: Started, Stopped, Suspended, ...
 * @param from    the consumer endpoint URI
 */
public record RouteInfo(String routeId, String source, String status, String from) {
    public RouteInfo {
        Objects.requireNonNull(routeId, "routeId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
    }
}
