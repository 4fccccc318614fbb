package dev.rialto.content.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.content.UnknownItemException;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.profiles.Consent;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
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
 * {@code POST /api/v1/content/generate}: generates copy for catalogue items; for marketers and admins (roles
 * {@code rialto-marketer}, {@code rialto-admin}). {@code "user"} is the caller's user id, mapped to the stored
 * pseudonym as every surface does; the profile's consent then decides whether the first name may be used, whatever
 * the body says. {@code "recommend": N} instead of items writes about the user's N recommended items. The answer
 * carries the items, the provider used and every variant's guardrail report. JSON is read and written here, so the answer does not depend on the bound JSON provider.
 */
@Component(service = ContentResource.class)
@JaxrsResource
@JaxrsApplicationSelect(ContentResource.APPLICATION)
@JSONRequired
@Path("v1/content")
public class ContentResource {
    static final String APPLICATION = "(osgi.jaxrs.name=rialto)";
    static final Set<String> ROLES = Set.of("rialto-admin", "rialto-marketer");
    private static final Logger LOG = LoggerFactory.getLogger(ContentResource.class);

    private final AtomicReference<ContentGenerator> generator = new AtomicReference<>();
    private final AtomicReference<Pseudonymiser> pseudonymiser = new AtomicReference<>();

    @POST
    @Path("generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response generate(InputStream body, @Context SecurityContext security) {
        if (security == null || security.getUserPrincipal() == null) {
            return error(Response.Status.UNAUTHORIZED, "authentication required", null);
        }
        if (ROLES.stream().noneMatch(security::isUserInRole)) {
            return error(Response.Status.FORBIDDEN, "forbidden: generating content needs the role rialto-marketer "
                    + "or rialto-admin", null);
        }
        ContentGenerator current = generator.get();
        if (current == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE,
                    "content generation is not available (is the store up?)", null);
        }
        ContentRequest request;
        try {
            request = request(Json.object(body));
        } catch (Json.Invalid e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), "body");
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), field(e.getMessage()));
        }
        try {
            return Response.ok(answer(current.generate(request)), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (UnknownItemException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage(), "items");
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), field(e.getMessage()));
        } catch (IllegalStateException e) {
            // a service the request needs (the recommender) is not running
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), field(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Content generation failed ({}, {} items)", request.kind().id(), request.itemIds().size(), e);
            return error(Response.Status.INTERNAL_SERVER_ERROR, "content generation failed", null);
        }
    }

    /** The request from the body's fields; a bad field throws naming it. */
    ContentRequest request(Map<String, Object> body) {
        ContentKind kind = ContentKind.parse(string(body, "kind", true));
        String locale = Optional.ofNullable(string(body, "locale", false)).orElse("en");
        List<String> items = new ArrayList<>();
        Object list = body.get("items");
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("items must be an array of item ids");
                }
                items.add(s);
            }
        } else if (list != null) {
            throw new IllegalArgumentException("items must be an array of item ids");
        }
        String item = string(body, "item", false);
        if (item != null) {
            items.add(0, item);
        }
        Integer recommend = integer(body, "recommend");
        String user = string(body, "user", false);
        if (user != null && user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
        if (recommend != null && user == null) {
            throw new IllegalArgumentException("user is required with recommend: whose recommendations?");
        }
        if (recommend != null && !items.isEmpty()) {
            throw new IllegalArgumentException("items: give \"item\"/\"items\" or \"recommend\", not both");
        }
        if (recommend == null && items.isEmpty()) {
            throw new IllegalArgumentException("items: give \"item\", \"items\" or \"user\" with \"recommend\"");
        }
        Integer variants = integer(body, "variants");
        Integer maxLength = integer(body, "maxLength");
        Audience audience = audience(body);
        try {
            return new ContentRequest(kind, locale, items, audience, string(body, "tone", false), maxLength,
                    variants == null ? 1 : variants, string(body, "provider", false),
                    user == null ? null : storedId(user.strip()), recommend);
        } catch (IllegalArgumentException e) {
            // the record names its own field; the body calls it "user"
            String m = e.getMessage();
            throw m != null && m.startsWith("userId") ? new IllegalArgumentException("user" + m.substring(6)) : e;
        }
    }

    /** The stored pseudonym of a caller's user id (ingestion pseudonymised it); without the privacy service, as given. */
    String storedId(String userId) {
        Pseudonymiser p = pseudonymiser.get();
        return p == null ? userId : p.userId(userId);
    }

    private Audience audience(Map<String, Object> body) {
        Object raw = body.get("audience");
        if (raw != null && !(raw instanceof Map)) {
            throw new IllegalArgumentException("audience must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> a = raw == null ? Map.of() : (Map<String, Object>) raw;
        String segment = string(a, "segment", false);
        String firstName = string(a, "firstName", false);
        Consent consent = Consent.UNKNOWN;
        Object c = a.get("consent");
        if (c instanceof Map<?, ?> m) {
            Object p = m.get("personalisation");
            if (p != null && !(p instanceof Boolean)) {
                throw new IllegalArgumentException("audience.consent.personalisation must be true, false or null");
            }
            consent = new Consent((Boolean) p, null, null);
        } else if (c != null) {
            throw new IllegalArgumentException("audience.consent must be an object");
        }
        Map<String, String> traits = new LinkedHashMap<>();
        Object t = a.get("traits");
        if (t instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (!(v instanceof String)) {
                    throw new IllegalArgumentException("audience.traits." + k + " must be a string");
                }
                traits.put(k.toString(), (String) v);
            });
        } else if (t != null) {
            throw new IllegalArgumentException("audience.traits must be an object");
        }
        // With "user", the generator replaces this consent with the profile's: the store is the record of consent.
        return new Audience(segment, firstName, consent, traits);
    }

    private static String string(Map<String, Object> body, String field, boolean required) {
        Object v = body.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException(field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return s;
    }

    private static Integer integer(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer i)) {
            throw new IllegalArgumentException(field + " must be an integer");
        }
        return i;
    }

    /** The field a validation message starts with ("variants must be ..." names "variants"). */
    static String field(String message) {
        if (message == null) {
            return null;
        }
        String first = message.split("[ :]", 2)[0];
        return first.matches("[A-Za-z][A-Za-z0-9.\\[\\]]*") ? first.replace("[]", "") : null;
    }

    static String answer(ContentResponse r) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("kind", r.kind().id());
            json.writeStringField("locale", r.locale());
            json.writeStringField("requestedProvider", r.requestedProvider());
            json.writeStringField("provider", r.provider());
            json.writeBooleanField("fallback", r.fallback());
            json.writeNumberField("attempts", r.attempts());
            json.writeArrayFieldStart("items");
            for (String id : r.itemIds()) {
                json.writeString(id);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("variants");
            for (ContentVariant v : r.variants()) {
                json.writeStartObject();
                json.writeStringField("text", v.text());
                json.writeStringField("provider", v.provider());
                json.writeNumberField("attempt", v.attempt());
                json.writeFieldName("guardrails");
                report(json, v.report());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("rejected");
            for (GuardrailReport g : r.rejected()) {
                report(json, g);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                json.writeString(n);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void report(JsonGenerator json, GuardrailReport g) throws IOException {
        json.writeStartObject();
        json.writeBooleanField("passed", g.passed());
        json.writeArrayFieldStart("checks");
        for (String c : g.checks()) {
            json.writeString(c);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("findings");
        for (GuardrailFinding f : g.findings()) {
            json.writeStartObject();
            json.writeStringField("check", f.check());
            json.writeBooleanField("blocking", f.blocking());
            json.writeStringField("message", f.message());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    static Response error(Response.Status status, String message, String field) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("error", message);
            if (field != null) {
                json.writeStringField("field", field);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(out.toString()).build();
    }

    @Reference(name = "generator", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindGenerator")
    void bindGenerator(ContentGenerator service) {
        generator.set(service);
    }

    void unbindGenerator(ContentGenerator service) {
        generator.compareAndSet(service, null);
    }

    @Reference(name = "pseudonymiser", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPseudonymiser")
    void bindPseudonymiser(Pseudonymiser service) {
        pseudonymiser.set(service);
    }

    void unbindPseudonymiser(Pseudonymiser service) {
        pseudonymiser.compareAndSet(service, null);
    }
}
