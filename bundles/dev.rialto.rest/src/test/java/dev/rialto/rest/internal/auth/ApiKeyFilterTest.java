package dev.rialto.rest.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.ws.rs.core.HttpHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The X-Rialto-Key mode: a key is a collector, and a collector reaches POST /api/v1/events only. */
class ApiKeyFilterTest {
    private static final String SHOP_KEY = "k3y-of-the-shop-0123456789abcdef";
    private static final String OTHER_KEY = "another-key-for-the-outlet";
    private static final String[] ROLES = {"rialto-admin", "rialto-marketer"};

    private BasicAuthFilter filter;

    static String sha256(String key) {
        return HexFormat.of().formatHex(ApiKeys.sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    @BeforeEach
    void setUp() {
        filter = new BasicAuthFilter(realm -> (user, password) -> switch (user + ":" + password) {
            case "collector:pw" -> Optional.of(Set.of("rialto-collector"));
            case "boss:pw" -> Optional.of(Set.of("rialto-admin"));
            default -> Optional.empty();
        }, () -> 0L);
        filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf",
                new String[] {"shop:" + sha256(SHOP_KEY) + ", outlet:" + sha256(OTHER_KEY).toUpperCase()}));
    }

    @Test
    void validKeyPostsEventsAsACollector() {
        FakeRequest request = FakeRequest.key("POST", "v1/events", SHOP_KEY);
        filter.filter(request.context());
        assertNull(request.aborted);
        assertEquals("shop", request.securityContext.getUserPrincipal().getName());
        assertTrue(request.securityContext.isUserInRole("rialto-collector"));
        assertFalse(request.securityContext.isUserInRole("rialto-admin"));
        assertFalse(request.securityContext.isUserInRole("rialto-marketer"));
        assertEquals("API_KEY", request.securityContext.getAuthenticationScheme());

        FakeRequest outlet = FakeRequest.key("POST", "/v1/events/", " " + OTHER_KEY + " ");
        filter.filter(outlet.context());
        assertNull(outlet.aborted);
        assertEquals("outlet", outlet.securityContext.getUserPrincipal().getName());
    }

    @Test
    void validKeyReachesNothingElse() {
        List<String[]> calls = List.of(new String[] {"GET", "v1/events"}, new String[] {"POST", "v1/items"},
                new String[] {"GET", "v1/recommendations"}, new String[] {"POST", "v1/scores"},
                new String[] {"GET", "v1/models"}, new String[] {"POST", "v1/models/ranker/rollback"},
                new String[] {"POST", "v1/events/extra"}, new String[] {"POST", "v1/other/v1/events"},
                new String[] {"DELETE", "v1/profiles/u1"});
        for (String[] call : calls) {
            FakeRequest request = FakeRequest.key(call[0], call[1], SHOP_KEY);
            filter.filter(request.context());
            assertEquals(403, request.aborted.getStatus(), call[0] + " " + call[1]);
            assertNull(request.securityContext, call[0] + " " + call[1]);
        }
    }

    @Test
    void invalidBlankOrHugeKeysAreUnauthorized() {
        for (String key : new String[] {"wrong", "", "   ", SHOP_KEY + "x", SHOP_KEY.substring(1), sha256(SHOP_KEY),
                "x".repeat(ApiKeys.MAX_KEY_LENGTH + 1)}) {
            FakeRequest request = FakeRequest.key("POST", "v1/events", key);
            filter.filter(request.context());
            assertEquals(401, request.aborted.getStatus(), key);
            assertEquals(BasicAuthFilter.CHALLENGE, request.aborted.getHeaderString(HttpHeaders.WWW_AUTHENTICATE));
            assertNull(request.securityContext);
        }
    }

    @Test
    void aKeyHeaderIsJudgedAloneEvenWithGoodBasicCredentials() {
        FakeRequest request = FakeRequest.basic("v1/events", "boss", "pw").method("POST");
        request.apiKey = "wrong";
        filter.filter(request.context());
        assertEquals(401, request.aborted.getStatus());
    }

    @Test
    void noKeysConfiguredRefusesEveryKey() {
        filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf"));
        FakeRequest request = FakeRequest.key("POST", "v1/events", SHOP_KEY);
        filter.filter(request.context());
        assertEquals(401, request.aborted.getStatus());
    }

    @Test
    void healthStaysOpenWithAnyKey() {
        FakeRequest request = FakeRequest.key("GET", "v1/health", "wrong");
        filter.filter(request.context());
        assertNull(request.aborted);
    }

    @Test
    void basicUserWithOnlyTheCollectorRoleIsACollectorToo() {
        FakeRequest events = FakeRequest.basic("v1/events", "collector", "pw").method("POST");
        filter.filter(events.context());
        assertNull(events.aborted);
        assertTrue(events.securityContext.isUserInRole("rialto-collector"));

        FakeRequest recommendations = FakeRequest.basic("v1/recommendations", "collector", "pw");
        filter.filter(recommendations.context());
        assertEquals(403, recommendations.aborted.getStatus());

        FakeRequest items = FakeRequest.basic("v1/items", "collector", "pw").method("POST");
        filter.filter(items.context());
        assertEquals(403, items.aborted.getStatus());

        FakeRequest admin = FakeRequest.basic("v1/items", "boss", "pw").method("POST");
        filter.filter(admin.context());
        assertNull(admin.aborted);
    }

    @Test
    void collectablePaths() {
        assertTrue(BasicAuthFilter.isCollectable("POST", "v1/events"));
        assertTrue(BasicAuthFilter.isCollectable("post", "/v1/events/"));
        assertTrue(BasicAuthFilter.isCollectable("POST", "/api/v1/events"));
        assertTrue(BasicAuthFilter.isCollectable("GET", "v1/ads/impression"));
        assertTrue(BasicAuthFilter.isCollectable("POST", "/api/v1/ads/click"));
        assertFalse(BasicAuthFilter.isCollectable("GET", "v1/ads/decision"));
        assertFalse(BasicAuthFilter.isCollectable("POST", "v1/ads/campaigns"));
        assertFalse(BasicAuthFilter.isCollectable("GET", "v1/events"));
        assertFalse(BasicAuthFilter.isCollectable("POST", "v1/events/1"));
        assertFalse(BasicAuthFilter.isCollectable("POST", "x/v1/events"));
        assertFalse(BasicAuthFilter.isCollectable(null, "v1/events"));
        assertFalse(BasicAuthFilter.isCollectable("POST", null));
    }

    @Test
    void keysNeverShowInLogsOrMessages() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf",
                    new String[] {"shop:" + sha256(SHOP_KEY)}));
            filter.filter(FakeRequest.key("POST", "v1/events", SHOP_KEY).context());
            filter.filter(FakeRequest.key("POST", "v1/events", "wrong-" + SHOP_KEY).context());
            filter.filter(FakeRequest.key("GET", "v1/models", SHOP_KEY).context());
            // A plain key pasted into the configuration by mistake: the message must not echo it.
            IllegalArgumentException pasted = assertThrows(IllegalArgumentException.class,
                    () -> filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf", new String[] {SHOP_KEY})));
            assertFalse(pasted.getMessage().contains(SHOP_KEY), pasted.getMessage());
            IllegalArgumentException asHash = assertThrows(IllegalArgumentException.class,
                    () -> filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf",
                            new String[] {"shop:" + SHOP_KEY})));
            assertFalse(asHash.getMessage().contains(SHOP_KEY), asHash.getMessage());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("API keys [shop]"), log);
        assertFalse(log.contains(SHOP_KEY), log);
        assertFalse(log.contains(sha256(SHOP_KEY)), log);
        assertFalse(ApiKeys.parse(new String[] {"shop:" + sha256(SHOP_KEY)}).toString().contains(sha256(SHOP_KEY)));
    }

    @Test
    void configurationErrorsNameTheProperty() {
        String hash = sha256(SHOP_KEY);
        for (String[] keys : List.of(new String[] {"no-colon-here"}, new String[] {"shop:abc"},
                new String[] {":" + hash}, new String[] {"bad name:" + hash},
                new String[] {"shop:" + hash, "shop:" + sha256(OTHER_KEY)},
                new String[] {"shop:" + hash + ",outlet:" + hash})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> filter.modified(BasicAuthFilterTest.config(60, ROLES, "karaf", keys)), keys[0]);
            assertTrue(e.getMessage().startsWith("api.keys entry "), e.getMessage());
        }
        IllegalArgumentException second = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.parse(new String[] {"a:" + hash + ", b:xyz"}));
        assertTrue(second.getMessage().startsWith("api.keys entry 2 (b)"), second.getMessage());
        assertTrue(second.getMessage().contains("sha256sum"), second.getMessage());

        IllegalArgumentException collector = assertThrows(IllegalArgumentException.class,
                () -> filter.modified(BasicAuthFilterTest.config(60,
                        new String[] {"rialto-admin", "rialto-collector"}, "karaf")));
        assertTrue(collector.getMessage().contains("allowed.roles"), collector.getMessage());
    }

    @Test
    void blankConfigurationMeansNoKeys() {
        assertEquals(0, ApiKeys.parse(new String[] {""}).size());
        assertEquals(0, ApiKeys.parse(null).size());
        assertEquals(List.of("a", "b"), ApiKeys.parse(new String[] {" a:" + sha256("1") + " ,, ", "b:" + sha256("2")})
                .names());
        assertEquals(Optional.of("b"), ApiKeys.parse(new String[] {"a:" + sha256("1"), "b:" + sha256("2")})
                .match("2"));
    }
}
