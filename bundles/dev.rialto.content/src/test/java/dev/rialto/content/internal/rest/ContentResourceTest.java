package dev.rialto.content.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.content.internal.TestGenerators;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
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
    void theUserIsPseudonymisedAndTheProfilesConsentWinsOverTheBody() {
        resource.bindPseudonymiser(pseudonymiser());
        Response r = post("{\"kind\":\"email-body\",\"item\":\"i00042\",\"user\":\"max\",\"audience\":"
                + "{\"consent\":{\"personalisation\":true}}}", as("mia", "rialto-marketer"));
        String body = (String) r.getEntity();
        assertEquals(200, r.getStatus(), body);
        assertEquals("p-max", seen.get().userId());
        // the profile refuses personalisation: its first name appears nowhere
        assertFalse(body.contains("Max"), body);
        assertTrue(body.contains("\"passed\":true"), body);
    }

    @Test
    void writesAboutTheUsersRecommendedItems() {
        resource.bindPseudonymiser(pseudonymiser());
        Response r = post("{\"kind\":\"email-body\",\"user\":\"lea\",\"recommend\":2}",
                as("mia", "rialto-marketer"));
        String body = (String) r.getEntity();
        assertEquals(200, r.getStatus(), body);
        assertEquals("p-lea", seen.get().userId());
        assertEquals(2, seen.get().recommend());
        assertTrue(body.contains("\"items\":[\"i00043\",\"i00042\"]"), body);
        assertTrue(body.contains("Hi Lea"), body);
        assertTrue(body.contains("Orbit Pro Wireless Controller") && body.contains("Lumina Soft Desk Lamp"), body);
    }

    @Test
    void recommendationErrorsAreNamed() {
        SecurityContext admin = as("admin", "rialto-admin");
        assertError(post("{\"kind\":\"email-body\",\"recommend\":2}", admin), 400, "user");
        assertError(post("{\"kind\":\"email-body\",\"user\":\"lea\",\"recommend\":0}", admin), 400, "recommend");
        assertError(post("{\"kind\":\"email-body\",\"user\":\"lea\",\"recommend\":\"2\"}", admin), 400,
                "recommend");
        assertError(post("{\"kind\":\"email-body\",\"item\":\"i00042\",\"user\":\"lea\",\"recommend\":2}",
                admin), 400, "items");
        assertError(post("{\"kind\":\"email-body\",\"user\":\"nobody\",\"recommend\":2}", admin), 400,
                "recommend");
        ContentGenerator without = TestGenerators.templateAndGrounded(false);
        resource.bindGenerator(without);
        assertError(post("{\"kind\":\"email-body\",\"user\":\"lea\",\"recommend\":2}", admin), 503,
                "recommend");
    }

    /** Maps a caller's id to "p-" + id, as the privacy service maps it to its pseudonym. */
    private static Pseudonymiser pseudonymiser() {
        return new Pseudonymiser() {
            @Override
            public String userId(String raw) {
                return isPseudonym(raw) ? raw : "p-" + raw;
            }

            @Override
            public boolean isPseudonym(String id) {
                return id.startsWith("p-");
            }
        };
    }

    private static void assertError(Response r, int status, String field) {
        String body = (String) r.getEntity();
        assertEquals(status, r.getStatus(), body);
        assertTrue(body.contains("\"field\":\"" + field + "\""), body);
    }
}
