package dev.rialto.rest.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.ws.rs.core.HttpHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BasicAuthFilterTest {
    private static final String PATH = "v1/recommendations";

    /** user -> password and roles. */
    private final Map<String, Map.Entry<String, Set<String>>> users = Map.of(
            "marketer", Map.entry("s3cret-pass", Set.of("rialto-marketer")),
            "boss", Map.entry("b0ss-pass", Set.of("admin", "rialto-admin")),
            "viewer", Map.entry("view-pass", Set.of("viewer")));
    private final List<String> logins = new ArrayList<>();
    private final List<String> realms = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000L);
    private BasicAuthFilter filter;

    @BeforeEach
    void setUp() {
        filter = new BasicAuthFilter(realm -> {
            realms.add(realm);
            return (user, password) -> {
                logins.add(user);
                Map.Entry<String, Set<String>> known = users.get(user);
                return known != null && known.getKey().equals(password) ? Optional.of(known.getValue())
                        : Optional.empty();
            };
        }, clock::get);
        filter.modified(config(60, new String[] {"rialto-admin", "rialto-marketer"}, "karaf"));
    }

    @Test
    void missingHeaderIsUnauthorizedWithChallenge() {
        FakeRequest request = FakeRequest.anonymous(PATH);
        filter.filter(request.context());
        assertEquals(401, request.aborted.getStatus());
        assertEquals("Basic realm=\"rialto\"", request.aborted.getHeaderString(HttpHeaders.WWW_AUTHENTICATE));
        assertTrue(logins.isEmpty());
    }

    @Test
    void malformedHeadersAreUnauthorized() {
        for (String header : new String[] {"Bearer abc", "Basic !!!notbase64", "Basic bm9jb2xvbg==", "Basic"}) {
            FakeRequest request = FakeRequest.withHeader(PATH, header);
            filter.filter(request.context());
            assertNotNull(request.aborted, header);
            assertEquals(401, request.aborted.getStatus(), header);
        }
        assertTrue(logins.isEmpty());
    }

    @Test
    void wrongPasswordIsUnauthorized() {
        FakeRequest request = FakeRequest.basic(PATH, "marketer", "wrong");
        filter.filter(request.context());
        assertEquals(401, request.aborted.getStatus());
        assertEquals("Basic realm=\"rialto\"", request.aborted.getHeaderString(HttpHeaders.WWW_AUTHENTICATE));
        assertNull(request.securityContext);
    }

    @Test
    void missingRoleIsForbidden() {
        FakeRequest request = FakeRequest.basic(PATH, "viewer", "view-pass");
        filter.filter(request.context());
        assertEquals(403, request.aborted.getStatus());
        assertNull(request.securityContext);
    }

    @Test
    void userWithRolePassesAndGetsASecurityContext() {
        FakeRequest request = FakeRequest.basic(PATH, "marketer", "s3cret-pass");
        filter.filter(request.context());
        assertNull(request.aborted);
        assertEquals("marketer", request.securityContext.getUserPrincipal().getName());
        assertTrue(request.securityContext.isUserInRole("rialto-marketer"));
        assertFalse(request.securityContext.isUserInRole("rialto-admin"));
        assertEquals("BASIC", request.securityContext.getAuthenticationScheme());

        FakeRequest admin = FakeRequest.basic(PATH, "boss", "b0ss-pass");
        filter.filter(admin.context());
        assertNull(admin.aborted);
        // Resources that need more than the filter's roles (model rollback) ask this context.
        assertTrue(admin.securityContext.isUserInRole("rialto-admin"));
        assertEquals(List.of("karaf"), realms);
    }

    @Test
    void passwordWithColonIsSplitAtTheFirstColon() {
        filter = new BasicAuthFilter(realm -> (user, password) ->
                "u".equals(user) && "a:b".equals(password) ? Optional.of(Set.of("rialto-admin")) : Optional.empty(),
                clock::get);
        filter.modified(config(60, new String[] {"rialto-admin"}, "karaf"));
        FakeRequest request = FakeRequest.basic(PATH, "u", "a:b");
        filter.filter(request.context());
        assertNull(request.aborted);
    }

    @Test
    void healthNeedsNoCredentials() {
        for (String path : new String[] {"v1/health", "/v1/health", "/v1/health/", "api/v1/health"}) {
            FakeRequest request = FakeRequest.anonymous(path);
            filter.filter(request.context());
            assertNull(request.aborted, path);
        }
        FakeRequest other = FakeRequest.anonymous("v1/healthy");
        filter.filter(other.context());
        assertEquals(401, other.aborted.getStatus());
    }

    @Test
    void cacheHitDoesNotLogInAgain() {
        for (int i = 0; i < 3; i++) {
            FakeRequest request = FakeRequest.basic(PATH, "marketer", "s3cret-pass");
            filter.filter(request.context());
            assertNull(request.aborted);
            assertEquals("marketer", request.securityContext.getUserPrincipal().getName());
        }
        assertEquals(List.of("marketer"), logins);
    }

    @Test
    void cacheIsKeyedByThePasswordToo() {
        filter.filter(FakeRequest.basic(PATH, "marketer", "s3cret-pass").context());
        FakeRequest wrong = FakeRequest.basic(PATH, "marketer", "other");
        filter.filter(wrong.context());
        assertEquals(401, wrong.aborted.getStatus());
        assertEquals(List.of("marketer", "marketer"), logins);
    }

    @Test
    void failedLoginsAreNotCached() {
        filter.filter(FakeRequest.basic(PATH, "marketer", "wrong").context());
        filter.filter(FakeRequest.basic(PATH, "marketer", "wrong").context());
        assertEquals(2, logins.size());
    }

    @Test
    void cacheEntriesExpire() {
        filter.filter(FakeRequest.basic(PATH, "marketer", "s3cret-pass").context());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(59));
        filter.filter(FakeRequest.basic(PATH, "marketer", "s3cret-pass").context());
        assertEquals(1, logins.size());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        FakeRequest request = FakeRequest.basic(PATH, "marketer", "s3cret-pass");
        filter.filter(request.context());
        assertNull(request.aborted);
        assertEquals(2, logins.size());
    }

    @Test
    void zeroSecondsDisablesTheCache() {
        filter.modified(config(0, new String[] {"rialto-marketer"}, "karaf"));
        filter.filter(FakeRequest.basic(PATH, "marketer", "s3cret-pass").context());
        filter.filter(FakeRequest.basic(PATH, "marketer", "s3cret-pass").context());
        assertEquals(2, logins.size());
    }

    @Test
    void unavailableRealmIsServiceUnavailable() {
        filter = new BasicAuthFilter(realm -> (user, password) -> {
            throw new AuthenticationUnavailableException("JAAS realm '" + realm + "' is not available", null);
        }, clock::get);
        filter.modified(config(60, new String[] {"rialto-admin"}, "nope"));
        FakeRequest request = FakeRequest.basic(PATH, "boss", "b0ss-pass");
        filter.filter(request.context());
        assertEquals(503, request.aborted.getStatus());
    }

    @Test
    void commaSeparatedRolesInOneValueAreSplit() {
        filter.modified(config(60, new String[] {" rialto-admin , viewer "}, "karaf"));
        FakeRequest request = FakeRequest.basic(PATH, "viewer", "view-pass");
        filter.filter(request.context());
        assertNull(request.aborted);
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> filter.modified(config(-1, new String[] {"rialto-admin"}, "karaf")));
        assertTrue(negative.getMessage().contains("auth.cache.seconds"), negative.getMessage());
        IllegalArgumentException noRoles = assertThrows(IllegalArgumentException.class,
                () -> filter.modified(config(60, new String[] {" ", ""}, "karaf")));
        assertTrue(noRoles.getMessage().contains("allowed.roles"), noRoles.getMessage());
        IllegalArgumentException noRealm = assertThrows(IllegalArgumentException.class,
                () -> filter.modified(config(60, new String[] {"rialto-admin"}, " ")));
        assertTrue(noRealm.getMessage().contains("jaas.realm"), noRealm.getMessage());
    }

    @Test
    void credentialsNeverShowInToString() {
        BasicAuthFilter.BasicCredentials credentials = BasicAuthFilter.BasicCredentials.parse(
                FakeRequest.basic(PATH, "marketer", "s3cret-pass").authorization);
        assertEquals("s3cret-pass", credentials.password());
        assertFalse(credentials.toString().contains("s3cret-pass"));
    }

    static BasicAuthFilter.Config config(int cacheSeconds, String[] roles, String realm) {
        return config(cacheSeconds, roles, realm, new String[0]);
    }

    static BasicAuthFilter.Config config(int cacheSeconds, String[] roles, String realm, String[] keys) {
        return new BasicAuthFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return BasicAuthFilter.Config.class;
            }

            @Override
            public int auth_cache_seconds() {
                return cacheSeconds;
            }

            @Override
            public String[] allowed_roles() {
                return roles;
            }

            @Override
            public String jaas_realm() {
                return realm;
            }

            @Override
            public String[] api_keys() {
                return keys;
            }
        };
    }
}
