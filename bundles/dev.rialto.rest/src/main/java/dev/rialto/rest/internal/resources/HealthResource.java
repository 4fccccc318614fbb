package dev.rialto.rest.internal.resources;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.rest.internal.RialtoApplication;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/health}, without authentication (the auth filter lets {@link #PATH} through). Every
 * reference is optional and dynamic so that health answers while the store or the scorer is missing.
 */
@Component(service = HealthResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RialtoApplication.SELECT)
@JSONRequired
@Path(HealthResource.PATH)
public class HealthResource {
    public static final String PATH = "v1/health";

    private static final Logger LOG = LoggerFactory.getLogger(HealthResource.class);

    private final String version;
    private final AtomicReference<ItemRepository> items = new AtomicReference<>();
    private final AtomicReference<EventRepository> events = new AtomicReference<>();
    private final AtomicReference<InterestScorer> scorer = new AtomicReference<>();

    @Activate
    public HealthResource(BundleContext context) {
        this(context.getBundle().getVersion().toString());
    }

    HealthResource(String version) {
        this.version = version;
    }

    /** The health answer. Counts are null when the store is missing or fails. */
    public record Health(String status, Long items, Long events, String model, String version) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        Long itemCount = count(items.get() == null ? null : items.get()::count, "items");
        Long eventCount = count(events.get() == null ? null : events.get()::count, "events");
        String status = itemCount != null && eventCount != null ? "UP" : "DEGRADED";
        return Response.ok(new Health(status, itemCount, eventCount, activeModel(), version)).build();
    }

    private static Long count(LongSupplier counter, String what) {
        if (counter == null) {
            return null;
        }
        try {
            return counter.getAsLong();
        } catch (RuntimeException e) {
            LOG.warn("Health check could not count {}", what, e);
            return null;
        }
    }

    private String activeModel() {
        InterestScorer current = scorer.get();
        if (current == null) {
            return null;
        }
        try {
            Optional<ModelInfo> model = current.activeModel();
            return model.map(m -> m.name() + "@" + m.version()).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Health check could not read the active model", e);
            return null;
        }
    }

    @Reference(name = "items", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindItems")
    void bindItems(ItemRepository repository) {
        items.set(repository);
    }

    void unbindItems(ItemRepository repository) {
        items.compareAndSet(repository, null);
    }

    @Reference(name = "events", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindEvents")
    void bindEvents(EventRepository repository) {
        events.set(repository);
    }

    void unbindEvents(EventRepository repository) {
        events.compareAndSet(repository, null);
    }

    // The ad click model's scorer (rialto.provider=ads) scores creatives, not items.
    @Reference(name = "scorer", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindScorer", target = "(!(rialto.provider=ads))")
    void bindScorer(InterestScorer interestScorer) {
        scorer.set(interestScorer);
    }

    void unbindScorer(InterestScorer interestScorer) {
        scorer.compareAndSet(interestScorer, null);
    }
}
