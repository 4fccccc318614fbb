package dev.rialto.campaigns.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.campaigns.CampaignBusyException;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignNotFoundException;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.campaigns.RunReport;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.campaigns.SegmentPreview;
import dev.rialto.api.campaigns.VariantReport;
import dev.rialto.campaigns.internal.CampaignJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
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

/** {@code /api/v1/campaigns}: definitions, manual runs, run history and reports, segment previews. */
@Component(service = CampaignsResource.class)
@JaxrsResource
@JaxrsApplicationSelect("(osgi.jaxrs.name=rialto)")
@JSONRequired
@Path("v1/campaigns")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignsResource {
    static final List<String> ROLES = List.of("rialto-admin", "rialto-marketer");
    static final long MAX_BODY = 1 << 20;
    static final String YAML = "application/yaml";
    private static final Logger LOG = LoggerFactory.getLogger(CampaignsResource.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AtomicReference<CampaignService> service = new AtomicReference<>();

    /** Definitions are JSON, or YAML when the request says so. */
    private static CampaignDefinition definition(String body, String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("yaml")
                ? CampaignJson.parseYaml(body) : CampaignJson.parse(body);
    }

    @GET
    public Response list(@Context SecurityContext security) {
        return call(security, s -> Response.ok(s.list().stream().map(CampaignJson::toTree).toList()).build());
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id, @Context SecurityContext security) {
        return call(security, s -> s.get(id).map(d -> Response.ok(CampaignJson.toTree(d)).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no campaign with id '" + id + "'", "id")));
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    public Response create(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
            @Context SecurityContext security) {
        return call(security, s -> {
            CampaignDefinition d = definition(read(body), type);
            boolean existed = s.get(d.id()).isPresent();
            s.save(d, "rest:" + user(security));
            return Response.status(existed ? Response.Status.OK : Response.Status.CREATED)
                    .entity(CampaignJson.toTree(d)).build();
        });
    }

    @PUT
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    public Response replace(@PathParam("id") String id, InputStream body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, @Context SecurityContext security) {
        return call(security, s -> {
            CampaignDefinition d = definition(read(body), type);
            if (!d.id().equals(id)) {
                return error(Response.Status.BAD_REQUEST, "id in the body ('" + d.id() + "') differs from the path ('"
                        + id + "')", "id");
            }
            s.save(d, "rest:" + user(security));
            return Response.ok(CampaignJson.toTree(d)).build();
        });
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context SecurityContext security) {
        return call(security, s -> s.delete(id) ? Response.noContent().build()
                : error(Response.Status.NOT_FOUND, "no campaign with id '" + id + "'", "id"));
    }

    @POST
    @Path("{id}/runs")
    public Response trigger(@PathParam("id") String id, @Context SecurityContext security) {
        return call(security, s -> Response.status(Response.Status.ACCEPTED)
                .entity(summary(s.trigger(id, "rest:" + user(security)))).build());
    }

    @GET
    @Path("{id}/runs")
    public Response runs(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext security) {
        if (limit < 1 || limit > 1000) {
            return error(Response.Status.BAD_REQUEST, "limit must be between 1 and 1000, was " + limit, "limit");
        }
        return call(security, s -> Response.ok(s.runs(id, limit).stream().map(CampaignsResource::summary).toList())
                .build());
    }

    @GET
    @Path("runs/{runId}")
    public Response report(@PathParam("runId") String runId, @Context SecurityContext security) {
        return call(security, s -> Response.ok(report(s.report(runId))).build());
    }

    @POST
    @Path("segments/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response preview(InputStream body, @Context SecurityContext security) {
        return call(security, s -> {
            JsonNode root = MAPPER.readTree(read(body));
            if (root == null || !root.isObject()) {
                return error(Response.Status.BAD_REQUEST, "the body must be an object {\"rule\": ..., \"sample\": n}",
                        null);
            }
            JsonNode rule = root.get("rule");
            int sample = root.path("sample").asInt(10);
            SegmentPreview p = s.previewSegment(rule == null || rule.isNull() ? null : rule.toString(), sample);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("count", p.count());
            out.put("scanned", p.scanned());
            out.put("sample", p.sample());
            return Response.ok(out).build();
        });
    }

    @FunctionalInterface
    interface Call {
        Response apply(CampaignService service) throws Exception;
    }

    private Response call(SecurityContext security, Call call) {
        if (security == null || ROLES.stream().noneMatch(security::isUserInRole)) {
            return error(Response.Status.FORBIDDEN, "forbidden: campaigns need the rialto-marketer or rialto-admin"
                    + " role", null);
        }
        CampaignService s = service.get();
        if (s == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "the campaign service is not running", null);
        }
        try {
            return call.apply(s);
        } catch (CampaignNotFoundException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage(), null);
        } catch (CampaignBusyException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("runningRun", e.runningRunId());
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
        } catch (IllegalStateException e) {
            return error(Response.Status.CONFLICT, e.getMessage(), null);
        } catch (IllegalArgumentException | IOException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), null);
        } catch (Exception e) {
            LOG.warn("Campaign request failed", e);
            return error(Response.Status.INTERNAL_SERVER_ERROR, "the request failed: " + e.getMessage(), null);
        }
    }

    private static String read(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes((int) MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("the body is larger than " + MAX_BODY + " bytes");
        }
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String user(SecurityContext security) {
        return security.getUserPrincipal() == null ? "?" : security.getUserPrincipal().getName();
    }

    static Response error(Response.Status status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    static Map<String, Object> summary(RunSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", s.runId());
        m.put("campaignId", s.campaignId());
        m.put("trigger", s.trigger());
        m.put("status", s.status().name());
        m.put("started", s.started().toString());
        m.put("finished", Optional.ofNullable(s.finished()).map(Object::toString).orElse(null));
        m.put("audience", s.audience());
        m.put("delivered", s.delivered());
        m.put("skipped", s.skipped());
        m.put("failed", s.failed());
        m.put("pending", s.pending());
        m.put("message", s.message());
        return m;
    }

    static Map<String, Object> report(RunReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", summary(r.summary()));
        m.put("variants", r.variants().stream().map(CampaignsResource::variant).toList());
        m.put("failures", r.failures());
        m.put("conversionsUntil", r.conversionsUntil() == null ? null : r.conversionsUntil().toString());
        return m;
    }

    private static Map<String, Object> variant(VariantReport v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variant", v.variant());
        m.put("recipients", v.recipients());
        m.put("delivered", v.delivered());
        m.put("converted", v.converted());
        m.put("conversionRate", v.conversionRate());
        m.put("uplift", Double.isNaN(v.uplift()) ? null : v.uplift());
        m.put("relativeUplift", Double.isNaN(v.relativeUplift()) ? null : v.relativeUplift());
        m.put("pValue", Double.isNaN(v.pValue()) ? null : v.pValue());
        return m;
    }

    @Reference(name = "service", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindService")
    void bindService(CampaignService s) {
        service.set(s);
    }

    void unbindService(CampaignService s) {
        service.compareAndSet(s, null);
    }
}
