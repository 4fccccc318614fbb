package dev.rialto.ingest.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.rialto.ingest.internal.CsvIngestor;
import dev.rialto.ingest.internal.H2Store;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Set;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/profiles/{id}/export and DELETE /api/v1/profiles/{id} on the real store. */
class ProfilesResourceTest {
    @TempDir
    Path tmp;
    H2Store store;
    ProfilesResource resource;

    @BeforeEach
    void setUp() {
        store = new H2Store(tmp.resolve("privacy.key"), "encrypt");
        CsvIngestor ingestor = store.ingestor(1000, null);
        ingestor.ingestCsv("profiles", new ByteArrayInputStream(("id,email,country,consent_ads\n"
                + "anna@example.com,anna@example.com,SE,no\n").getBytes(StandardCharsets.UTF_8)), "p.csv");
        ingestor.ingestCsv("events", new ByteArrayInputStream(("id,type,user,item,timestamp,price\n"
                + "e1,purchase,anna@example.com,i1,2026-01-01T10:00:00Z,12.50\n").getBytes(StandardCharsets.UTF_8)),
                "e.csv");
        resource = new ProfilesResource();
        resource.bindPrivacy(store.privacy);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    static SecurityContext as(String... roles) {
        Set<String> held = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "someone";
            }

            @Override
            public boolean isUserInRole(String role) {
                return held.contains(role);
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
    void exportByTheRawIdShowsEverythingDecryptedThenDeleteRemovesIt() throws Exception {
        Response export = resource.export("anna@example.com", as("rialto-admin"));
        assertEquals(200, export.getStatus());
        String body = (String) export.getEntity();
        assertTrue(body.contains("\"email\" : \"anna@example.com\""), body);
        assertTrue(body.contains("\"ads\" : false"), body);
        assertTrue(body.contains("\"price\" : 12.5,"), body);
        try (JsonParser p = new JsonFactory().createParser(body)) {
            while (p.nextToken() != null) {
                // well-formed JSON
            }
        }
        String stored = store.privacy.userId("anna@example.com");
        assertTrue(body.contains("\"user\" : \"" + stored + "\""), body);

        Response forbidden = resource.forget("anna@example.com", as("rialto-marketer"));
        assertEquals(403, forbidden.getStatus());
        assertEquals(1, store.events.count());

        Response deleted = resource.forget("anna@example.com", as("rialto-admin"));
        assertEquals(200, deleted.getStatus());
        assertEquals("{\"user\":\"" + stored + "\",\"profile\":true,\"events\":1,\"deadLetters\":0}",
                deleted.getEntity());
        assertEquals(0, store.events.count());
        assertEquals(0, store.profiles.count());
        assertEquals(404, resource.forget("anna@example.com", as("rialto-admin")).getStatus());
        assertEquals(404, resource.export(stored, as("rialto-admin")).getStatus());
        assertEquals(400, resource.export("x".repeat(300), as("rialto-admin")).getStatus());
    }
}
