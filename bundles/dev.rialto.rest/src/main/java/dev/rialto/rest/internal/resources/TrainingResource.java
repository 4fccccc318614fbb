package dev.rialto.rest.internal.resources;

import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingService;
import dev.rialto.rest.internal.RialtoApplication;
import java.net.URI;
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
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
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
 * {@code POST /api/v1/models/train[?model=NAME][&force=true]} (admins only) queues a training job and answers
 * 202 Accepted at once with the job and its {@code Location}; {@code GET /api/v1/models/train/{id}} shows its state,
 * progress and, once finished, every model's report. Asynchronous because a run takes from seconds to minutes,
 * longer than an HTTP client should wait.
 */
@Component(service = TrainingResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RialtoApplication.SELECT)
@JSONRequired
@Path("v1/models/train")
public class TrainingResource {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingResource.class);

    private final AtomicReference<TrainingService> trainer = new AtomicReference<>();

    /** Instants as ISO-8601 strings: the JSON provider has no java.time module. */
    public record Report(String model, String status, String version, String startedAt, String finishedAt,
            long trainRows, long testRows, Map<String, Double> metrics, Map<String, Double> baselines,
            String message) {
    }

    public record Job(String id, List<String> models, boolean force, String state, String submittedAt,
            String finishedAt, String model, String stage, double progress, List<Report> reports, String error) {
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(@QueryParam("model") String model, @QueryParam("force") String force,
            @Context SecurityContext security, @Context UriInfo uri) {
        if (security == null || !security.isUserInRole(ModelResource.ADMIN_ROLE)) {
            return ApiErrors.of(Response.Status.FORBIDDEN, "forbidden: training needs the "
                    + ModelResource.ADMIN_ROLE + " role", null);
        }
        boolean forced;
        if (force == null || force.isBlank() || force.equalsIgnoreCase("false")) {
            forced = false;
        } else if (force.equalsIgnoreCase("true")) {
            forced = true;
        } else {
            return ApiErrors.badRequest("force must be true or false, was '" + force + "'", "force");
        }
        TrainingService current = trainer.get();
        if (current == null) {
            return unavailable();
        }
        TrainingJob job;
        try {
            job = current.submit(model == null || model.isBlank() ? null : model.strip(), forced);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage(), "model");
        }
        LOG.info("Training job {} ({}) submitted by {}", job.id(), job.models(),
                security.getUserPrincipal() == null ? "?" : security.getUserPrincipal().getName());
        URI location = uri == null ? URI.create("/api/v1/models/train/" + job.id())
                : uri.getAbsolutePathBuilder().path(job.id()).build();
        return Response.accepted(toJson(job)).location(location).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("id") String id, @Context SecurityContext security) {
        if (security == null || !security.isUserInRole(ModelResource.ADMIN_ROLE)) {
            return ApiErrors.of(Response.Status.FORBIDDEN, "forbidden: training jobs need the "
                    + ModelResource.ADMIN_ROLE + " role", null);
        }
        TrainingService current = trainer.get();
        if (current == null) {
            return unavailable();
        }
        Optional<TrainingJob> job = current.job(id);
        return job.isPresent() ? Response.ok(toJson(job.get())).build()
                : ApiErrors.of(Response.Status.NOT_FOUND, "no training job '" + id + "' (the last 50 are kept)", "id");
    }

    private static Response unavailable() {
        return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE,
                "no trainer is available; install and start the rialto-training feature", null);
    }

    static Job toJson(TrainingJob j) {
        return new Job(j.id(), j.models(), j.force(), j.state().name(), iso(j.submittedAt()), iso(j.finishedAt()),
                j.model(), j.stage(), j.progress(), j.reports().stream().map(TrainingResource::toJson).toList(),
                j.error());
    }

    static Report toJson(TrainingReport r) {
        return new Report(r.modelName(), r.status().name(), r.version(), iso(r.startedAt()), iso(r.finishedAt()),
                r.trainRows(), r.testRows(), r.metrics(), r.baselines(), r.message());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    @Reference(name = "trainer", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindTrainer")
    void bindTrainer(TrainingService service) {
        trainer.set(service);
    }

    void unbindTrainer(TrainingService service) {
        trainer.compareAndSet(service, null);
    }
}
