package dev.rialto.ingest.internal.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.privacy.PrivacyService;
import dev.rialto.api.privacy.UserData;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
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
 * {@code GET /api/v1/profiles/{id}/export} and {@code DELETE /api/v1/profiles/{id}} (role {@code rialto-admin}):
 * everything held about a user, and its erasure. The id may be the raw one a source sent or the stored pseudonym.
 */
@Component(service = ProfilesResource.class)
@JaxrsResource
@JaxrsApplicationSelect(EventsResource.APPLICATION)
@JSONRequired
@Path("v1/profiles")
public class ProfilesResource {
    private static final Logger LOG = LoggerFactory.getLogger(ProfilesResource.class);
    private static final JsonFactory JSON = new JsonFactory();
    static final int MAX_ID_LENGTH = 255;

    private final AtomicReference<PrivacyService> privacy = new AtomicReference<>();

    @GET
    @Path("{id}/export")
    @Produces(MediaType.APPLICATION_JSON)
    public Response export(@PathParam("id") String id, @Context SecurityContext security) {
        return call(id, security, p -> p.export(id), false);
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response forget(@PathParam("id") String id, @Context SecurityContext security) {
        return call(id, security, p -> p.forget(id), true);
    }

    private Response call(String id, SecurityContext security, Function<PrivacyService, UserData> work,
            boolean deleting) {
        if (security == null || security.getUserPrincipal() == null) {
            return BatchIngestion.error(Response.Status.UNAUTHORIZED, "authentication required", null);
        }
        if (!security.isUserInRole(BatchIngestion.ADMIN_ROLE)) {
            return BatchIngestion.error(Response.Status.FORBIDDEN, "forbidden: needs the role "
                    + BatchIngestion.ADMIN_ROLE, null);
        }
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            return BatchIngestion.error(Response.Status.BAD_REQUEST, "id must be 1 to " + MAX_ID_LENGTH
                    + " characters", "id");
        }
        PrivacyService service = privacy.get();
        if (service == null) {
            return BatchIngestion.error(Response.Status.SERVICE_UNAVAILABLE, "privacy service is not available",
                    null);
        }
        UserData data;
        try {
            data = work.apply(service);
        } catch (RialtoException e) {
            LOG.warn("{} of a profile failed", deleting ? "Erasure" : "Export", e);
            return BatchIngestion.error(Response.Status.SERVICE_UNAVAILABLE, "the store failed; try again", null);
        }
        if (data.isEmpty()) {
            return BatchIngestion.error(Response.Status.NOT_FOUND, "nothing is held about this user", "id");
        }
        return Response.ok(deleting ? deleted(data) : UserDataJson.write(data), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    static String deleted(UserData data) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("user", data.userId());
            json.writeBooleanField("profile", data.profile() != null);
            json.writeNumberField("events", data.events().size());
            json.writeNumberField("deadLetters", data.deadLetters().size());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Reference(name = "privacy", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPrivacy")
    void bindPrivacy(PrivacyService service) {
        privacy.set(service);
    }

    void unbindPrivacy(PrivacyService service) {
        privacy.compareAndSet(service, null);
    }
}
