package dev.rialto.api.routes;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The routes of Rialto's CamelContext with where each came from, for the console and the REST API.
 * Registered by the {@code dev.rialto.camel} bundle.
 */
@ProviderType
public interface RouteInventory {

    /** Every route of the context, sorted by source then route id. */
    List<RouteInfo> routes();

    /** Route files that are not running because of an error, with the error; empty when all are fine. */
    List<RouteFileProblem> problems();
}
