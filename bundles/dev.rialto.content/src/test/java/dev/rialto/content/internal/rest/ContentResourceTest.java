package dev.rialto.content.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.content.internal.TestGenerators;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContentResourceTest {
    private ContentResource resource;
    private final AtomicReference<ContentRequest> seen = new AtomicReference<>();

    @BeforeEach
    void setUp() {
        ContentGenerator real = TestGenerators.templateAndGrounded();
        resource = new ContentResource();
        resource.bindGenerator(new ContentGenerator() {
            @Override
            public ContentResponse generate(ContentRequest request) {
                seen.set(request);
                return real.generate(request);
            }

            @Override
            public Set<String> providers() {
                return real.providers();
            }

            @Override
            public GuardrailReport check(ContentRequest request, String text) {
                return real.check(request, text);
            }
        });
    }

    private Response post(String json, SecurityContext as) {
        return resource.generate(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), as);
    }

    private static SecurityContext as(String user, String... roles) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> user;
            }

            @Override
            public boolean isUserInRole(String role) {
                return List.of(roles).contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "BASIC";
            }
        };
    }

    @Test
    void generatesWithTheProviderUsedAndTheGuardrailReport() {
        Response r = post("{\"kind\":\"ad-headline\",\"locale\":\"en\",\"item\":\"i00042\",\"provider\":\"grounded\","
                + "\"variants\":2}", as("mia", "rialto-marketer"));
        assertEquals(200, r.getStatus());
        String body = (String) r.getEntity();
        assertTrue(body.contains("\"provider\":\"grounded\""), body);
        assertTrue(body.contains("\"guardrails\":{\"passed\":true,\"checks\":[\"empty\",\"length\""), body);
        assertTrue(body.contains("\"fallback\":false"), body);
    }

    @Test
    void badFieldsAreNamed() {
        SecurityContext admin = as("admin", "rialto-admin");
        assertError(post("{\"kind\":\"banner\",\"item\":\"i00042\"}", admin), 400, "kind");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"i00042\",\"variants\":99}", admin), 400, "variants");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"i00042\",\"variants\":\"two\"}", admin), 400,
                "variants");
        assertError(post("{\"kind\":\"ad-headline\"}", admin), 400, "items");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"i00042\",\"provider\":\"gpt\"}", admin), 400,
                "provider");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"i00042\",\"locale\":\"1\"}", admin), 400, "locale");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"nope\"}", admin), 404, "items");
        assertError(post("{\"kind\":", admin), 400, "body");
        assertError(post("[]", admin), 400, "body");
        assertError(post("{\"kind\":\"ad-headline\",\"item\":\"i00042\",\"audience\":{\"traits\":{\"a\":1}}}", admin),
                400, "audience.traits.a");
    }

    @Test
    void rolesAreChecked() {
        assertEquals(403, post("{\"kind\":\"ad-headline\",\"item\":\"i00042\"}", as("shop", "rialto-collector"))
                .getStatus());
        assertEquals(401, resource.generate(new ByteArrayInputStream(new byte[0]), null).getStatus());
    }

    @Test
    void theProfilesConsentWinsOverTheBody() {
        resource.bindProfiles(new ProfileRepository() {
            @Override
            public void upsert(Collection<Profile> profiles) {
            }

            @Override
            public Optional<Profile> find(String id) {
                Instant t = Instant.parse("2026-01-01T00:00:00Z");
                return id.equals("u1") ? Optional.of(new Profile("u1", Map.of("first_name", "Lea", "segment",
                        "readers"), new Consent(false, true, null), t, t)) : Optional.empty();
            }

            @Override
            public long count() {
                return 1;
            }
        });
        Response r = post("{\"kind\":\"email-subject\",\"item\":\"i00042\",\"user\":\"u1\",\"audience\":{\"consent\":"
                + "{\"personalisation\":true}}}", as("mia", "rialto-marketer"));
        assertEquals(200, r.getStatus());
        assertEquals(Boolean.FALSE, seen.get().audience().consent().personalisation());
        assertEquals("Lea", seen.get().audience().firstName());
        assertEquals("readers", seen.get().audience().segment());
        assertFalse(((String) r.getEntity()).contains("Lea"), (String) r.getEntity());
    }

    private static void assertError(Response r, int status, String field) {
        String body = (String) r.getEntity();
        assertEquals(status, r.getStatus(), body);
        assertTrue(body.contains("\"field\":\"" + field + "\""), body);
    }
}
