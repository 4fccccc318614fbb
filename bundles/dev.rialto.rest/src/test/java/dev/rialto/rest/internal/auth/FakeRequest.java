package dev.rialto.rest.internal.auth;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/** A request context with just what the filter reads and writes, built on a dynamic proxy. */
final class FakeRequest {
    final String path;
    final String authorization;
    String httpMethod = "GET";
    String apiKey;
    Response aborted;
    SecurityContext securityContext;

    private FakeRequest(String path, String authorization) {
        this.path = path;
        this.authorization = authorization;
    }

    static FakeRequest anonymous(String path) {
        return new FakeRequest(path, null);
    }

    static FakeRequest basic(String path, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new FakeRequest(path, "Basic " + token);
    }

    static FakeRequest withHeader(String path, String authorization) {
        return new FakeRequest(path, authorization);
    }

    /** A request carrying an X-Rialto-Key header. */
    static FakeRequest key(String method, String path, String key) {
        FakeRequest request = new FakeRequest(path, null);
        request.httpMethod = method;
        request.apiKey = key;
        return request;
    }

    FakeRequest method(String m) {
        httpMethod = m;
        return this;
    }

    ContainerRequestContext context() {
        UriInfo uriInfo = (UriInfo) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getPath" -> path;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ContainerRequestContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getUriInfo":
                            return uriInfo;
                        case "getHeaderString":
                            if (BasicAuthFilter.KEY_HEADER.equalsIgnoreCase((String) args[0])) {
                                return apiKey;
                            }
                            return HttpHeaders.AUTHORIZATION.equalsIgnoreCase((String) args[0]) ? authorization : null;
                        case "getMethod":
                            return httpMethod;
                        case "abortWith":
                            aborted = (Response) args[0];
                            return null;
                        case "getSecurityContext":
                            return securityContext;
                        case "setSecurityContext":
                            securityContext = (SecurityContext) args[0];
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
