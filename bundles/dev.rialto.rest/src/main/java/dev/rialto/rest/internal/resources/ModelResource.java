package dev.rialto.rest.internal.resources;

import dev.rialto.api.common.RialtoException;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelNotFoundException;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.rest.internal.RialtoApplication;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/models} (every valid version with its active flag, and the refused versions) and
 * {@code POST /api/v1/models/{name}/rollback} (admins only: the auth filter lets marketers in, this resource then
 * asks the filter's {@link SecurityContext} for the admin role).
 */
@Component(service = ModelResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RialtoApplication.SELECT)
@JSONRequired
@Path("v1/models")
public class ModelResource {
    /** The role that may change which model serves. */
    public static final String ADMIN_ROLE = "rialto-admin";

    private static final Logger LOG = LoggerFactory.getLogger(ModelResource.class);

    private final AtomicReference<ModelRegistry> registry = new AtomicReference<>();

    /** Instants as ISO-8601 strings: the JSON provider has no java.time module. */
    public record Model(String name, String version, boolean active, List<String> features,
            Map<String, Double> metrics, Map<String, Double> baselines, String trainedAt, String loadedAt) {
    }

    public record Refusal(String name, String version, String field, String reason) {
    }

    public record Models(List<Model> models, List<Refusal> refusals) {
    }

    public record Rollback(String rolledBack, Model active) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        ModelRegistry current = registry.get();
        if (current == null) {
            return unavailable();
        }
        try {
            List<Model> models = current.models().stream().map(m -> toJson(current, m)).toList();
            List<Refusal> refusals = current.refusals().stream().map(ModelResource::toJson).toList();
            return Response.ok(new Models(models, refusals)).build();
        } catch (RuntimeException e) {
            LOG.warn("Listing models failed", e);
            return ApiErrors.of(Response.Status.INTERNAL_SERVER_ERROR, "listing models failed", null);
        }
    }

    @POST
    @Path("{name}/rollback")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rollback(@PathParam("name") String name, @Context SecurityContext security) {
        if (security == null || !security.isUserInRole(ADMIN_ROLE)) {
            return ApiErrors.of(Response.Status.FORBIDDEN, "forbidden: rolling a model back needs the "
                    + ADMIN_ROLE + " role", null);
        }
        ModelRegistry current = registry.get();
        if (current == null) {
            return unavailable();
        }
        Optional<ModelInfo> before = current.active(name);
        if (before.isEmpty()) {
            return ApiErrors.of(Response.Status.NOT_FOUND, "no model '" + name + "' is active", "name");
        }
        try {
            ModelInfo now = current.rollback(name);
            LOG.info("Model {} rolled back from {} to {} by {}", name, before.get().version(), now.version(),
                    security.getUserPrincipal() == null ? "?" : security.getUserPrincipal().getName());
            return Response.ok(new Rollback(name + "@" + before.get().version(), toJson(current, now))).build();
        } catch (ModelNotFoundException e) {
            return ApiErrors.of(Response.Status.CONFLICT, e.getMessage(), "name");
        } catch (ModelUnavailableException e) {
            return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
        } catch (RialtoException e) {
            LOG.warn("Rolling model {} back failed", name, e);
            return ApiErrors.of(Response.Status.INTERNAL_SERVER_ERROR, e.getMessage(), null);
        }
    }

    private static Response unavailable() {
        return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE,
                "no model registry is available; install and start the rialto-scoring feature", null);
    }

    static Model toJson(ModelRegistry registry, ModelInfo model) {
        boolean active = registry.active(model.name()).map(a -> a.version().equals(model.version())).orElse(false);
        return new Model(model.name(), model.version(), active, model.features(), model.metrics(),
                registry.baselines(model.name(), model.version()), iso(model.trainedAt()), iso(model.loadedAt()));
    }

    private static Refusal toJson(ModelRefusal refusal) {
        return new Refusal(refusal.name(), refusal.version(), refusal.field(), refusal.reason());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    @Reference(name = "registry", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRegistry")
    void bindRegistry(ModelRegistry service) {
        registry.set(service);
    }

    void unbindRegistry(ModelRegistry service) {
        registry.compareAndSet(service, null);
    }
}
