package dev.rialto.ingest.internal.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.RecordIngestor;
import dev.rialto.api.ingest.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code POST /api/v1/events} and {@code POST /api/v1/items} share: role check, body, ingestion, answer.
 * Answers are JSON written here as text, so they do not depend on which JSON provider is bound.
 */
final class BatchIngestion {
    /** Web shops' event collectors (API keys); may post events only. */
    static final String COLLECTOR_ROLE = "rialto-collector";
    static final String ADMIN_ROLE = "rialto-admin";

    private static final Logger LOG = LoggerFactory.getLogger(BatchIngestion.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final String kind;
    private final Set<String> roles;
    private final int maxRecords;
    private final long maxBytes;

    BatchIngestion(String kind, Set<String> roles, int maxRecords, long maxBytes) {
        this.kind = kind;
        this.roles = roles;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** One rejected array element. */
    record Rejected(int index, String id, String field, String reason) {
    }

    Response ingest(InputStream body, SecurityContext security, Supplier<RecordIngestor> ingestors) {
        if (security == null || security.getUserPrincipal() == null) {
            // The auth filter normally answers first.
            return error(Response.Status.UNAUTHORIZED, "authentication required", null);
        }
        if (roles.stream().noneMatch(security::isUserInRole)) {
            return error(Response.Status.FORBIDDEN, "forbidden: posting " + kind + " needs the role "
                    + String.join(" or ", roles.stream().sorted().toList()), null);
        }
        BatchBody batch;
        try {
            batch = BatchBody.parse(body, maxRecords, maxBytes);
        } catch (BatchBody.Refused e) {
            return error(Response.Status.fromStatusCode(e.status), e.getMessage(), "body");
        }
        RecordIngestor ingestor = ingestors.get();
        if (ingestor == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "ingestion is not available (is the store up?)",
                    null);
        }
        List<Rejected> rejected = new ArrayList<>();
        batch.faults.forEach(f -> rejected.add(new Rejected(f.index(), f.id(), f.field(), f.reason())));
        long stored = 0;
        long duplicates = 0;
        if (!batch.records.isEmpty()) {
            String source = "http:" + kind + ":" + security.getUserPrincipal().getName();
            IngestReport report;
            try {
                report = ingestor.ingestRecords(kind, batch.records, source);
            } catch (IllegalArgumentException e) {
                return error(Response.Status.BAD_REQUEST, e.getMessage(), null);
            } catch (RialtoException e) {
                LOG.warn("Storing {} posted {} failed", batch.records.size(), kind, e);
                return error(Response.Status.SERVICE_UNAVAILABLE, "storing failed, part of the batch may be stored;"
                        + " re-send it: records already stored are not stored twice", null);
            } catch (RuntimeException e) {
                LOG.warn("Ingesting {} posted {} failed", batch.records.size(), kind, e);
                return error(Response.Status.INTERNAL_SERVER_ERROR, "ingestion failed", null);
            }
            stored = report.stored();
            duplicates = report.duplicates();
            for (Rejection r : report.rejections()) {
                // line = 1-based position in the list given to the ingestor
                int at = (int) Math.min(r.line(), batch.indexes.size()) - 1;
                rejected.add(new Rejected(batch.indexes.get(at), r.recordId(), r.field(), r.reason()));
            }
        }
        rejected.sort(Comparator.comparingInt(Rejected::index));
        return Response.ok(answer(batch.received, stored, duplicates, rejected), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    static String answer(long received, long stored, long duplicates, List<Rejected> rejected) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("received", received);
            json.writeNumberField("stored", stored);
            json.writeNumberField("duplicates", duplicates);
            json.writeArrayFieldStart("rejected");
            for (Rejected r : rejected) {
                json.writeStartObject();
                json.writeNumberField("index", r.index());
                json.writeStringField("id", r.id());
                json.writeStringField("field", r.field());
                json.writeStringField("reason", r.reason());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code {"error": ..., "field": ...}} as the REST bundle's errors; field only when one is at fault. */
    static Response error(Response.Status status, String message, String field) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
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
}
