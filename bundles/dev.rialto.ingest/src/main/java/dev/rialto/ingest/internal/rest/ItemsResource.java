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
 * {@code POST /api/v1/items}: a JSON array of catalogue items (fields as the CSV columns), admins only (role
 * {@code rialto-admin}): collectors must not change the catalogue.
 */
@Component(service = ItemsResource.class)
@JaxrsResource
@JaxrsApplicationSelect(EventsResource.APPLICATION)
@JSONRequired
@Path("v1/items")
public class ItemsResource {

    private final BatchIngestion ingestion;
    private final AtomicReference<RecordIngestor> ingestor = new AtomicReference<>();

    public ItemsResource() {
        this(RecordIngestor.MAX_RECORDS, BatchBody.MAX_BYTES);
    }

    ItemsResource(int maxRecords, long maxBytes) {
        ingestion = new BatchIngestion("items", Set.of(BatchIngestion.ADMIN_ROLE),
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
