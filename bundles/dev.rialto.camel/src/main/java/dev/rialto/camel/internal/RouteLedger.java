package dev.rialto.camel.internal;

import dev.rialto.api.routes.RouteInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds and removes routes on behalf of a source (a route file, a RoutesBuilder service) and remembers which route
 * ids each source created. All route changes of this bundle go through it, one at a time, so the ids a source
 * created are the difference of the context's ids before and after.
 */
public final class RouteLedger {
    /** Source of routes that were not added through the ledger. */
    public static final String UNKNOWN_SOURCE = "context";
    private static final Logger LOG = LoggerFactory.getLogger(RouteLedger.class);

    private final CamelContext context;
    private final long stopTimeoutSeconds;
    private final Map<String, Set<String>> routesBySource = new LinkedHashMap<>();

    public RouteLedger(CamelContext context, long stopTimeoutSeconds) {
        this.context = context;
        this.stopTimeoutSeconds = stopTimeoutSeconds;
    }

    /**
     * Parses the builders (configures RouteBuilders) and checks their explicit route ids, without adding anything.
     *
     * @throws RouteIdConflictException when an id is used by another source or twice in these builders
     */
    public synchronized void check(String source, Collection<? extends RoutesBuilder> builders) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        for (RoutesBuilder builder : builders) {
            if (!(builder instanceof RouteBuilder routeBuilder)) {
                continue;
            }
            List<String> ids = new ArrayList<>();
            routeBuilder.configureRoutes(context).getRoutes().forEach(definition -> ids.add(definition.getRouteId()));
            routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes()
                    .forEach(templated -> ids.add(templated.getRouteId()));
            for (String id : ids) {
                if (id == null) {
                    continue;
                }
                if (!seen.add(id)) {
                    throw new RouteIdConflictException("route id '" + id + "' is defined twice in " + source);
                }
                String owner = ownerOf(id);
                if (owner != null && !owner.equals(source)) {
                    throw new RouteIdConflictException("route id '" + id + "' is already used by " + owner);
                }
            }
        }
    }

    /**
     * Adds the routes of the builders for the source, all or nothing: when one fails, those already added are
     * removed again.
     *
     * @return the ids of the routes added
     */
    public synchronized Set<String> add(String source, Collection<? extends RoutesBuilder> builders) throws Exception {
        check(source, builders);
        Set<String> before = currentIds();
        try {
            for (RoutesBuilder builder : builders) {
                context.addRoutes(builder);
                // Routes made from templates (templatedRoute in YAML) are added by a second call.
                builder.addTemplatedRoutesToCamelContext(context);
            }
        } catch (Exception e) {
            Set<String> partial = currentIds();
            partial.removeAll(before);
            removeRoutes(partial);
            removeDefinitions(builders);
            throw e;
        }
        Set<String> added = currentIds();
        added.removeAll(before);
        routesBySource.computeIfAbsent(source, s -> new LinkedHashSet<>()).addAll(added);
        return added;
    }

    /** Stops and removes every route of the source; returns their ids. */
    public synchronized Set<String> remove(String source) {
        Set<String> ids = routesBySource.remove(source);
        if (ids == null) {
            return Set.of();
        }
        removeRoutes(ids);
        return ids;
    }

    public synchronized Set<String> routesOf(String source) {
        return Set.copyOf(routesBySource.getOrDefault(source, Set.of()));
    }

    public synchronized String ownerOf(String routeId) {
        for (Map.Entry<String, Set<String>> entry : routesBySource.entrySet()) {
            if (entry.getValue().contains(routeId)) {
                return entry.getKey();
            }
        }
        return context.getRoute(routeId) != null ? UNKNOWN_SOURCE : null;
    }

    /** Every route of the context with its source and status, sorted by source then id. */
    public synchronized List<RouteInfo> inventory() {
        Map<String, String> owners = new HashMap<>();
        routesBySource.forEach((source, ids) -> ids.forEach(id -> owners.put(id, source)));
        List<RouteInfo> routes = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            ServiceStatus status = context.getRouteController().getRouteStatus(id);
            String from = route.getEndpoint() == null ? "" : URISupport.sanitizeUri(route.getEndpoint().getEndpointUri());
            routes.add(new RouteInfo(id, owners.getOrDefault(id, UNKNOWN_SOURCE),
                    status == null ? "Unknown" : status.name(), from));
        }
        routes.sort(Comparator.comparing(RouteInfo::source).thenComparing(RouteInfo::routeId));
        return routes;
    }

    private Set<String> currentIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Route route : context.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }

    private void removeRoutes(Collection<String> ids) {
        for (String id : ids) {
            try {
                context.getRouteController().stopRoute(id, stopTimeoutSeconds, TimeUnit.SECONDS);
                context.removeRoute(id);
                ModelCamelContext model = (ModelCamelContext) context;
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    model.removeRouteDefinition(definition);
                }
            } catch (Exception e) {
                LOG.warn("Could not stop and remove route {}", id, e);
            }
        }
    }

    private void removeDefinitions(Collection<? extends RoutesBuilder> builders) {
        ModelCamelContext model = (ModelCamelContext) context;
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteBuilder routeBuilder) {
                try {
                    model.removeRouteDefinitions(new ArrayList<>(routeBuilder.getRouteCollection().getRoutes()));
                } catch (Exception e) {
                    LOG.debug("Could not remove route definitions of a failed builder", e);
                }
            }
        }
    }
}
