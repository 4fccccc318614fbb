package dev.rialto.ingest.internal.rest;

import dev.rialto.api.ingest.RecordIngestor;
import java.io.InputStream;
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

/**
 * {@code POST /api/v1/events}: a JSON array of events (fields as the CSV columns) from web shops (role
 * {@code rialto-collector}, usually an API key) or admins.
 */
@Component(service = EventsResource.class)
@JaxrsResource
@JaxrsApplicationSelect(EventsResource.APPLICATION)
@JSONRequired
@Path("v1/events")
public class EventsResource {
    /** The REST bundle's application, {@code /api}. */
    static final String APPLICATION = "(osgi.jaxrs.name=rialto)";

    private final BatchIngestion ingestion;
    private final AtomicReference<RecordIngestor> ingestor = new AtomicReference<>();

    public EventsResource() {
        this(RecordIngestor.MAX_RECORDS, BatchBody.MAX_BYTES);
    }

    EventsResource(int maxRecords, long maxBytes) {
        ingestion = new BatchIngestion("events", Set.of(BatchIngestion.COLLECTOR_ROLE, BatchIngestion.ADMIN_ROLE),
                maxRecords, maxBytes);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(InputStream body, @Context SecurityContext security) {
        return ingestion.ingest(body, security, ingestor::get);
    }

    @Reference(name = "ingestor", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindIngestor")
    void bindIngestor(RecordIngestor service) {
        ingestor.set(service);
    }

    void unbindIngestor(RecordIngestor service) {
        ingestor.compareAndSet(service, null);
    }
}
