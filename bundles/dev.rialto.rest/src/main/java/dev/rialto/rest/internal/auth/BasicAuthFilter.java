package dev.rialto.rest.internal.auth;

import dev.rialto.rest.internal.RialtoApplication;
import dev.rialto.rest.internal.resources.HealthResource;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication for every resource of the {@code rialto} application except health: HTTP Basic against a Karaf
 * JAAS realm (successful logins cached briefly), requiring one of the allowed (direct) roles; or an API key in
 * {@code X-Rialto-Key}, which authenticates as the key's name with the single role {@code rialto-collector}.
 * That role reaches only the collectable endpoints ({@link #COLLECTABLE}: {@code POST /api/v1/events} and the ad
 * beacons {@code /api/v1/ads/impression} and {@code /api/v1/ads/click}); anything
 * else answers 403, whether the collector came by key or by Basic.
 */
@Component(service = ContainerRequestFilter.class, configurationPid = BasicAuthFilter.PID)
@Designate(ocd = BasicAuthFilter.Config.class)
@JaxrsExtension
@JaxrsName("rialto-basic-auth")
@JaxrsApplicationSelect(RialtoApplication.SELECT)
public class BasicAuthFilter implements ContainerRequestFilter {
    public static final String PID = "dev.rialto.rest";
    public static final String CHALLENGE = "Basic realm=\"rialto\"";
    /** The API-key header; a request that carries it is authenticated by it alone. */
    public static final String KEY_HEADER = "X-Rialto-Key";
    /** The role of web shops' event collectors. */
    public static final String COLLECTOR_ROLE = "rialto-collector";
    /** What a collector may call: method and path relative to {@code /api}. */
    // Ad beacons carry a token signed by the server for one decision, so a collector cannot invent spend.
    static final Set<String> COLLECTABLE = Set.of("POST v1/events", "GET v1/ads/impression", "POST v1/ads/impression",
            "GET v1/ads/click", "POST v1/ads/click");
    static final String KEY_SCHEME = "API_KEY";
    static final int MAX_CACHE_ENTRIES = 10_000;
    static final int MAX_CACHE_SECONDS = 3600;

    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthFilter.class);

    @ObjectClassDefinition(id = BasicAuthFilter.PID, name = "Rialto REST", description = "Authentication of the Rialto REST API (/api).")
    public @interface Config {
        @AttributeDefinition(name = "Login cache (seconds)",
                description = "How long a successful login is reused without asking JAAS again; 0 disables. "
                        + "Role changes take up to this long to apply.", min = "0", max = "3600")
        int auth_cache_seconds() default 60;

        @AttributeDefinition(name = "Allowed roles",
                description = "A user needs one of these direct roles (Karaf RolePrincipal names).")
        String[] allowed_roles() default {"rialto-admin", "rialto-marketer"};

        @AttributeDefinition(name = "JAAS realm", description = "The Karaf JAAS realm to log in to.")
        String jaas_realm() default "karaf";

        @AttributeDefinition(name = "API keys", required = false,
                description = "Keys for the X-Rialto-Key header, as <name>:<sha256-hex-of-key>, comma-separated; "
                        + "never the keys themselves. A key authenticates as <name> with the role rialto-collector, "
                        + "which may only POST /api/v1/events.")
        String[] api_keys() default {};
    }

    /** What one configuration yields; replaced as a whole on @Modified. */
    private record Settings(Authenticator authenticator, CredentialCache cache, Set<String> allowedRoles,
            ApiKeys keys) {
    }

    private final Function<String, Authenticator> authenticators;
    private final LongSupplier nanoClock;
    private volatile Settings settings;

    @Activate
    public BasicAuthFilter(Config config) {
        this(realm -> new JaasAuthenticator(realm, BasicAuthFilter.class.getClassLoader()), System::nanoTime);
        modified(config);
    }

    /** For tests: the authenticator per realm name, and the clock of the cache. */
    BasicAuthFilter(Function<String, Authenticator> authenticators, LongSupplier nanoClock) {
        this.authenticators = authenticators;
        this.nanoClock = nanoClock;
    }

    @Modified
    void modified(Config config) {
        int cacheSeconds = config.auth_cache_seconds();
        if (cacheSeconds < 0 || cacheSeconds > MAX_CACHE_SECONDS) {
            throw new IllegalArgumentException(
                    "auth.cache.seconds must be between 0 and " + MAX_CACHE_SECONDS + ", was " + cacheSeconds);
        }
        String[] configured = config.allowed_roles() == null ? new String[0] : config.allowed_roles();
        Set<String> roles = Arrays.stream(configured)
                .flatMap(r -> Arrays.stream(r.split(",")))
                .map(String::strip)
                .filter(r -> !r.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("allowed.roles must name at least one role");
        }
        if (roles.contains(COLLECTOR_ROLE)) {
            // It would open every endpoint to every API key.
            throw new IllegalArgumentException("allowed.roles must not contain " + COLLECTOR_ROLE
                    + ": collectors reach only " + COLLECTABLE);
        }
        ApiKeys keys = ApiKeys.parse(config.api_keys());
        String realm = config.jaas_realm() == null ? "" : config.jaas_realm().strip();
        if (realm.isEmpty()) {
            throw new IllegalArgumentException("jaas.realm must not be blank");
        }
        CredentialCache cache = cacheSeconds == 0 ? null
                : new CredentialCache(cacheSeconds, nanoClock, MAX_CACHE_ENTRIES);
        settings = new Settings(authenticators.apply(realm), cache, roles, keys);
        LOG.info("REST authentication: realm {}, allowed roles {}, login cache {} s, API keys {}", realm, roles,
                cacheSeconds, keys.names());
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (isPublic(path)) {
            return;
        }
        Settings current = settings;
        String key = request.getHeaderString(KEY_HEADER);
        if (key != null) {
            filterKey(request, current, key.strip(), path);
            return;
        }
        BasicCredentials credentials = BasicCredentials.parse(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (credentials == null) {
            request.abortWith(unauthorized());
            return;
        }
        CredentialCache.Entry login = current.cache() == null ? null : current.cache().get(credentials.raw());
        if (login == null) {
            Optional<Set<String>> roles;
            try {
                roles = current.authenticator().login(credentials.user(), credentials.password());
            } catch (AuthenticationUnavailableException e) {
                LOG.warn("REST login impossible: {}", e.getMessage(), e);
                request.abortWith(json(Response.Status.SERVICE_UNAVAILABLE, "authentication service unavailable"));
                return;
            }
            if (roles.isEmpty()) {
                request.abortWith(unauthorized());
                return;
            }
            login = new CredentialCache.Entry(credentials.user(), roles.get(), 0L);
            if (current.cache() != null) {
                current.cache().put(credentials.raw(), credentials.user(), roles.get());
            }
        }
        if (Collections.disjoint(login.roles(), current.allowedRoles())
                && !(login.roles().contains(COLLECTOR_ROLE) && isCollectable(request.getMethod(), path))) {
            request.abortWith(json(Response.Status.FORBIDDEN, "forbidden: the user lacks a Rialto role"));
            return;
        }
        admit(request, login.user(), login.roles(), SecurityContext.BASIC_AUTH);
    }

    /** An API key: its name with the collector role, for the collectable endpoints only. */
    private void filterKey(ContainerRequestContext request, Settings current, String key, String path) {
        Optional<String> name = current.keys().match(key);
        if (name.isEmpty()) {
            // Neither the key nor its hash is logged.
            LOG.debug("Refused a request with an unknown API key");
            request.abortWith(json(Response.Status.UNAUTHORIZED, "invalid API key", true));
            return;
        }
        if (!isCollectable(request.getMethod(), path)) {
            request.abortWith(json(Response.Status.FORBIDDEN,
                    "forbidden: an API key may only POST /api/v1/events and call the ad beacons"
                    + " /api/v1/ads/impression and /api/v1/ads/click"));
            return;
        }
        admit(request, name.get(), Set.of(COLLECTOR_ROLE), KEY_SCHEME);
    }

    private static void admit(ContainerRequestContext request, String user, Set<String> roles, String scheme) {
        SecurityContext original = request.getSecurityContext();
        boolean secure = original != null && original.isSecure();
        request.setSecurityContext(new RialtoSecurityContext(user, roles, secure, scheme));
    }

    /** Whether a collector may make this call. */
    static boolean isCollectable(String method, String path) {
        if (method == null || path == null) {
            return false;
        }
        String p = trimSlashes(path);
        // The path is relative to the application; tolerate its base, and nothing else.
        if (p.startsWith("api/")) {
            p = p.substring(4);
        }
        return COLLECTABLE.contains(method.toUpperCase(Locale.ROOT) + " " + p);
    }

    private static String trimSlashes(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Health is open. The path is relative to the application; tolerate a leading base just in case. */
    static boolean isPublic(String path) {
        if (path == null) {
            return false;
        }
        String p = trimSlashes(path);
        return p.equals(HealthResource.PATH) || p.endsWith("/" + HealthResource.PATH);
    }

    static Response unauthorized() {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity("{\"error\":\"authentication required\"}")
                .build();
    }

    // A String entity: these answers must not depend on the JSON provider being bound.
    private static Response json(Response.Status status, String message) {
        return json(status, message, false);
    }

    private static Response json(Response.Status status, String message, boolean challenge) {
        Response.ResponseBuilder answer = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity("{\"error\":\"" + message + "\"}");
        if (challenge) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        return answer.build();
    }

    /** Decoded {@code Authorization: Basic} credentials; {@code raw} is {@code user:password}. */
    record BasicCredentials(String user, String password, String raw) {
        @Override
        public String toString() {
            return "BasicCredentials[user=" + user + "]";
        }

        static BasicCredentials parse(String header) {
            if (header == null) {
                return null;
            }
            String h = header.strip();
            if (h.length() < 6 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
                return null;
            }
            String raw;
            try {
                raw = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = raw.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            return new BasicCredentials(raw.substring(0, colon), raw.substring(colon + 1), raw);
        }
    }

    private record RialtoSecurityContext(String user, Set<String> roles, boolean secure, String scheme)
            implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> user;
        }

        @Override
        public boolean isUserInRole(String role) {
            return roles.contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return scheme;
        }
    }
}
