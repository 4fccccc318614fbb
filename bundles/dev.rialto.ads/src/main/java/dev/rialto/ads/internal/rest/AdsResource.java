package dev.rialto.ads.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.ads.internal.beacon.BeaconTokens;
import dev.rialto.ads.internal.beacon.Beacons;
import dev.rialto.ads.internal.json.AdJson;
import dev.rialto.ads.internal.json.FieldException;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.AdNotFoundException;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.rules.ContextField;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/ads/...}: CRUD of advertisers, campaigns, creatives and slots (writes need {@code rialto-admin} or
 * {@code rialto-marketer}), decisions with their trace, impression and click recording, campaign reports. Bodies
 * and answers are JSON text written here, so every bad field gets its own 400 naming it.
 */
@Component(service = AdsResource.class)
@JaxrsResource
@JaxrsApplicationSelect(AdsResource.APPLICATION)
@JSONRequired
@Path("v1/ads")
public class AdsResource {
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    private volatile Pseudonymiser pseudonymiser;

    static final String APPLICATION = "(osgi.jaxrs.name=rialto)";
    static final Set<String> WRITERS = Set.of("rialto-admin", "rialto-marketer");
    private static final Logger LOG = LoggerFactory.getLogger(AdsResource.class);

    private final AdPlacementEngine engine;
    private final AdInventory inventory;
    private final Beacons beacons;

    @Activate
    public AdsResource(@Reference(name = "engine") AdPlacementEngine engine,
            @Reference(name = "inventory") AdInventory inventory, @Reference(name = "beacons") Beacons beacons) {
        this.engine = engine;
        this.inventory = inventory;
        this.beacons = beacons;
    }

    /** One entity kind as the REST paths name it. */
    private enum Kind {
        ADVERTISERS("advertiser"), CAMPAIGNS("campaign"), CREATIVES("creative"), SLOTS("slot");

        final String singular;

        Kind(String singular) {
            this.singular = singular;
        }

        static Kind of(String path) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(path)) {
                    return k;
                }
            }
            return null;
        }
    }

    static Response json(Response.Status status, JsonNode body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(AdJson.write(body)).build();
    }

    static Response error(Response.Status status, String message, String field) {
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        out.put("error", message);
        if (field != null) {
            out.put("field", field);
        }
        return json(status, out);
    }

    private static Response unknownKind(String kind) {
        return error(Response.Status.NOT_FOUND, "'" + kind + "' is not one of advertisers, campaigns, creatives,"
                + " slots", "kind");
    }

    private static Response forbiddenUnlessWriter(SecurityContext security) {
        if (security == null || WRITERS.stream().noneMatch(security::isUserInRole)) {
            return error(Response.Status.FORBIDDEN, "changing ads needs the role rialto-admin or rialto-marketer",
                    null);
        }
        return null;
    }

    @GET
    @Path("{kind}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@PathParam("kind") String kindName) {
        Kind kind = Kind.of(kindName);
        if (kind == null) {
            return unknownKind(kindName);
        }
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        ArrayNode array = out.putArray(kind.name().toLowerCase(java.util.Locale.ROOT));
        switch (kind) {
            case ADVERTISERS -> inventory.advertisers().forEach(a -> array.add(AdJson.tree(a)));
            case CAMPAIGNS -> inventory.campaigns().forEach(c -> array.add(AdJson.tree(c)));
            case CREATIVES -> inventory.creatives().forEach(c -> array.add(AdJson.tree(c)));
            case SLOTS -> inventory.slots().forEach(s -> array.add(AdJson.tree(s)));
        }
        return json(Response.Status.OK, out);
    }

    @GET
    @Path("{kind}/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("kind") String kindName, @PathParam("id") String id) {
        Kind kind = Kind.of(kindName);
        if (kind == null) {
            return unknownKind(kindName);
        }
        Optional<JsonNode> found = switch (kind) {
            case ADVERTISERS -> inventory.advertiser(id).map(AdJson::tree);
            case CAMPAIGNS -> inventory.campaign(id).map(AdJson::tree);
            case CREATIVES -> inventory.creative(id).map(AdJson::tree);
            case SLOTS -> inventory.slot(id).map(AdJson::tree);
        };
        return found.map(node -> json(Response.Status.OK, node))
                .orElseGet(() -> error(Response.Status.NOT_FOUND, kind.singular + " '" + id + "' does not exist",
                        "id"));
    }

    @POST
    @Path("{kind}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("kind") String kindName, String body, @Context SecurityContext security) {
        return write(kindName, null, body, security, true);
    }

    @PUT
    @Path("{kind}/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replace(@PathParam("kind") String kindName, @PathParam("id") String id, String body,
            @Context SecurityContext security) {
        return write(kindName, id, body, security, false);
    }

    private Response write(String kindName, String pathId, String body, SecurityContext security, boolean create) {
        Response forbidden = forbiddenUnlessWriter(security);
        if (forbidden != null) {
            return forbidden;
        }
        Kind kind = Kind.of(kindName);
        if (kind == null) {
            return unknownKind(kindName);
        }
        try {
            JsonNode node = AdJson.read(body);
            if (node.isObject() && pathId != null) {
                JsonNode id = node.get("id");
                if (id == null || id.isNull()) {
                    ((ObjectNode) node).put("id", pathId);
                } else if (!pathId.equals(id.asText())) {
                    return error(Response.Status.BAD_REQUEST, "id in the body must equal the path's '" + pathId + "'",
                            "id");
                }
            }
            JsonNode saved = switch (kind) {
                case ADVERTISERS -> save(AdJson.advertiser(node, ""), a -> inventory.advertiser(a.id()).isPresent(),
                        create, inventory::save, AdJson::tree);
                case CAMPAIGNS -> save(AdJson.campaign(node, ""), c -> inventory.campaign(c.id()).isPresent(), create,
                        inventory::save, AdJson::tree);
                case CREATIVES -> save(AdJson.creative(node, ""), c -> inventory.creative(c.id()).isPresent(), create,
                        inventory::save, AdJson::tree);
                case SLOTS -> save(AdJson.slot(node, ""), s -> inventory.slot(s.id()).isPresent(), create,
                        inventory::save, AdJson::tree);
            };
            if (saved == null) {
                return error(Response.Status.CONFLICT, kind.singular + " '" + node.get("id").asText()
                        + "' exists; PUT /api/v1/ads/" + kindName + "/{id} replaces it", "id");
            }
            return json(create ? Response.Status.CREATED : Response.Status.OK, saved);
        } catch (FieldException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), e.field());
        } catch (AdNotFoundException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), e.kind());
        } catch (RuntimeException e) {
            LOG.warn("Saving a {} failed", kind.singular, e);
            return error(Response.Status.INTERNAL_SERVER_ERROR, "saving failed: " + e.getMessage(), null);
        }
    }

    private static <T> JsonNode save(T entity, Function<T, Boolean> exists, boolean create,
            java.util.function.Consumer<T> saver, Function<T, JsonNode> tree) {
        if (create && exists.apply(entity)) {
            return null;
        }
        saver.accept(entity);
        return tree.apply(entity);
    }

    @DELETE
    @Path("{kind}/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response delete(@PathParam("kind") String kindName, @PathParam("id") String id,
            @Context SecurityContext security) {
        Response forbidden = forbiddenUnlessWriter(security);
        if (forbidden != null) {
            return forbidden;
        }
        Kind kind = Kind.of(kindName);
        if (kind == null) {
            return unknownKind(kindName);
        }
        try {
            if (!inventory.delete(kind.singular, id)) {
                return error(Response.Status.NOT_FOUND, kind.singular + " '" + id + "' does not exist", "id");
            }
            return Response.noContent().build();
        } catch (IllegalStateException e) {
            return error(Response.Status.CONFLICT, e.getMessage(), "id");
        }
    }

    @GET
    @Path("campaigns/{id}/report")
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(@PathParam("id") String id) {
        try {
            return json(Response.Status.OK, DecisionJson.tree(engine.report(id)));
        } catch (AdNotFoundException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage(), "id");
        }
    }

    @GET
    @Path("decision")
    @Produces(MediaType.APPLICATION_JSON)
    public Response decide(@QueryParam("user") String user, @QueryParam("slot") String slot,
            @QueryParam("page") String page, @QueryParam("pageView") String pageView,
            @QueryParam("session") String session, @QueryParam("category") String category,
            @QueryParam("query") String query, @QueryParam("device") String device,
            @QueryParam("country") String country, @QueryParam("tz") String tz, @QueryParam("trace") String trace) {
        Map<ContextField, String> context = new EnumMap<>(ContextField.class);
        put(context, ContextField.PAGE, page);
        put(context, ContextField.CATEGORY, category);
        put(context, ContextField.QUERY, query);
        put(context, ContextField.DEVICE, device);
        put(context, ContextField.COUNTRY, country);
        for (Map.Entry<ContextField, String> e : context.entrySet()) {
            if (e.getValue().length() > 1024) {
                return error(Response.Status.BAD_REQUEST, e.getKey().wireName() + " must be at most 1024 characters",
                        e.getKey().wireName());
            }
        }
        ZoneId zone = null;
        if (tz != null && !tz.isBlank()) {
            try {
                zone = ZoneId.of(tz.strip());
            } catch (DateTimeException e) {
                return error(Response.Status.BAD_REQUEST, "tz '" + tz + "' is not a time zone id such as Europe/Berlin",
                        "tz");
            }
        }
        boolean full = trace == null || trace.isBlank() || trace.equalsIgnoreCase("full");
        if (!full && !trace.equalsIgnoreCase("summary")) {
            return error(Response.Status.BAD_REQUEST, "trace must be full or summary", "trace");
        }
        AdRequest request;
        try {
            // Stored user ids are pseudonyms (dev.rialto.ingest's privacy): look the shop's id up the same way.
            Pseudonymiser p = pseudonymiser;
            String stored = p == null || user == null || user.isBlank() ? user : p.userId(user.strip());
            request = new AdRequest(stored, slot, pageView, session, context, zone, null);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "bad request" : e.getMessage();
            String field = message.contains(" ") ? message.substring(0, message.indexOf(' ')) : null;
            return error(Response.Status.BAD_REQUEST, message, field);
        }
        try {
            AdDecision decision = engine.decide(request);
            ObjectNode out = DecisionJson.tree(decision, full);
            if (decision.filled()) {
                // The page reports the impression and the click with these (API key, role rialto-collector).
                String token = beacons.sign(decision.id(), decision.placement().creative().id());
                ObjectNode urls = out.putObject("beacons");
                urls.put("token", token);
                urls.put("impression", "/api/v1/ads/impression?t=" + token);
                urls.put("click", "/api/v1/ads/click?t=" + token);
            }
            return json(Response.Status.OK, out);
        } catch (AdNotFoundException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage(), "slot");
        } catch (RuntimeException e) {
            LOG.warn("Ad decision failed for slot {}", request.slotId(), e);
            return error(Response.Status.INTERNAL_SERVER_ERROR, "decision failed", null);
        }
    }

    private static void put(Map<ContextField, String> context, ContextField field, String value) {
        if (value != null && !value.isBlank()) {
            context.put(field, value.strip());
        }
    }

    @POST
    @Path("impressions/{decision}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response impression(@PathParam("decision") String decision) {
        return recorded(engine.recordImpression(decision), "impression", decision);
    }

    @POST
    @Path("clicks/{decision}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response click(@PathParam("decision") String decision) {
        return recorded(engine.recordClick(decision), "click", decision);
    }

    private static Response recorded(boolean recorded, String what, String decision) {
        if (!recorded) {
            return error(Response.Status.NOT_FOUND, "no " + what + " recorded: decision '" + decision + "' is unknown,"
                    + " expired, unfilled or already has its " + what
                    + (what.equals("click") ? " (or no impression yet)" : ""), "decision");
        }
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        out.put("decision", decision);
        out.put("recorded", what);
        return json(Response.Status.OK, out);
    }

    // --- beacons from web pages: signed tokens, admitted for the collector role (API keys)

    @GET
    @Path("impression")
    @Produces(MediaType.APPLICATION_JSON)
    public Response impressionBeacon(@QueryParam("t") String token) {
        return recordImpressionBeacon(token);
    }

    @POST
    @Path("impression")
    @Produces(MediaType.APPLICATION_JSON)
    public Response impressionBeaconPost(@QueryParam("t") String token) {
        return recordImpressionBeacon(token);
    }

    private Response recordImpressionBeacon(String token) {
        BeaconTokens.Claim claim;
        try {
            claim = beacons.verify(token);
        } catch (BeaconTokens.BadTokenException e) {
            return badToken(e);
        }
        boolean recorded = engine.recordImpression(claim.decisionId());
        ObjectNode out = AdJson.MAPPER.createObjectNode();
        out.put("decision", claim.decisionId());
        out.put("recorded", recorded);
        return json(Response.Status.OK, out);
    }

    /**
     * Records the click (and the impression, if its beacon never arrived: a clicked ad was shown) and redirects to
     * the creative's landing URL. A repeated click still redirects but records nothing.
     */
    @GET
    @Path("click")
    public Response clickBeacon(@QueryParam("t") String token) {
        BeaconTokens.Claim claim;
        try {
            claim = beacons.verify(token);
        } catch (BeaconTokens.BadTokenException e) {
            return badToken(e);
        }
        engine.recordImpression(claim.decisionId());
        boolean recorded = engine.recordClick(claim.decisionId());
        Optional<dev.rialto.api.ads.Creative> creative = inventory.creative(claim.creativeId());
        if (creative.isEmpty() || creative.get().landingUrl() == null) {
            return error(Response.Status.NOT_FOUND, "creative '" + claim.creativeId() + "' no longer exists"
                    + (recorded ? " (click recorded)" : ""), "t");
        }
        return Response.seeOther(java.net.URI.create(creative.get().landingUrl())).build();
    }

    @POST
    @Path("click")
    public Response clickBeaconPost(@QueryParam("t") String token) {
        return clickBeacon(token);
    }

    private static Response badToken(BeaconTokens.BadTokenException e) {
        return error(e.expired() ? Response.Status.GONE : Response.Status.FORBIDDEN, e.getMessage(), "t");
    }
}
