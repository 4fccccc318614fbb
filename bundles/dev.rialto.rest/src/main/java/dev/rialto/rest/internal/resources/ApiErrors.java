package dev.rialto.rest.internal.resources;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/** JSON error answers: {@code {"error": "...", "field": "..."}}, the field only when one parameter is at fault. */
public final class ApiErrors {
    private ApiErrors() {
    }

    public static Response badRequest(String message, String field) {
        return of(Response.Status.BAD_REQUEST, message, field);
    }

    public static Response of(Response.Status status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
