package dev.rialto.rest.internal.resources;

import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.rest.internal.RialtoApplication;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.rialto.api.privacy.Pseudonymiser;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
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
 * {@code GET /api/v1/recommendations?user=ID&n=10[&category=PREFIX][&excludePurchased=true][&brand=B]...
 * [&minPrice=X][&maxPrice=Y]} (brands repeated or comma-separated, prices inclusive). Parameters arrive as
 * strings so that a bad value becomes a 400 naming the field, not CXF's bare 404.
 */
@Component(service = RecommendationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RialtoApplication.SELECT)
@JSONRequired
@Path("v1/recommendations")
public class RecommendationResource {
    static final int DEFAULT_N = 10;
    static final int MAX_USER_LENGTH = 256;
    static final int MAX_BRANDS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(RecommendationResource.class);

    private final AtomicReference<Recommender> recommender = new AtomicReference<>();
    private final AtomicReference<Pseudonymiser> pseudonymiser = new AtomicReference<>();

    public record Source(String source, int rank, double score) {
    }

    public record Trace(List<Source> sources, double fusedScore, Double modelScore, String model) {
    }

    public record Item(String id, String title, String category, double score, Trace trace) {
    }

    public record Recommendations(String user, String model, List<Item> items) {
    }

    /** Without brand or price filters. */
    public Response recommend(String user, String n, String category, String excludePurchased) {
        return recommend(user, n, category, excludePurchased, null, null, null);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response recommend(@QueryParam("user") String user, @QueryParam("n") String n,
            @QueryParam("category") String category, @QueryParam("excludePurchased") String excludePurchased,
            @QueryParam("brand") List<String> brands, @QueryParam("minPrice") String minPrice,
            @QueryParam("maxPrice") String maxPrice) {
        String userId = user == null ? "" : user.strip();
        if (userId.isEmpty()) {
            return ApiErrors.badRequest("user is required", "user");
        }
        if (userId.length() > MAX_USER_LENGTH) {
            return ApiErrors.badRequest("user must be at most " + MAX_USER_LENGTH + " characters", "user");
        }
        int count;
        try {
            count = n == null || n.isBlank() ? DEFAULT_N : Integer.parseInt(n.strip());
        } catch (NumberFormatException e) {
            return ApiErrors.badRequest("n must be an integer", "n");
        }
        if (count < 1 || count > RecommendationRequest.MAX_N) {
            return ApiErrors.badRequest("n must be between 1 and " + RecommendationRequest.MAX_N, "n");
        }
        Boolean exclude = parseBoolean(excludePurchased);
        if (exclude == null) {
            return ApiErrors.badRequest("excludePurchased must be true or false", "excludePurchased");
        }

        Set<String> brandSet = new LinkedHashSet<>();
        for (String value : brands == null ? List.<String>of() : brands) {
            for (String b : value == null ? new String[0] : value.split(",")) {
                if (!b.isBlank()) {
                    brandSet.add(b.strip());
                }
            }
        }
        if (brandSet.size() > MAX_BRANDS) {
            return ApiErrors.badRequest("at most " + MAX_BRANDS + " brands", "brand");
        }
        BigDecimal min;
        BigDecimal max;
        try {
            min = price(minPrice, "minPrice");
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage(), "minPrice");
        }
        try {
            max = price(maxPrice, "maxPrice");
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage(), "maxPrice");
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            return ApiErrors.badRequest("minPrice must not exceed maxPrice", "minPrice");
        }

        Recommender current = recommender.get();
        if (current == null) {
            return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE,
                    "no recommender is available; install and start the recommendation feature", null);
        }
        ItemFilter filter = new ItemFilter(category, Set.of(), true, exclude, brandSet, min, max);
        Recommendation result;
        try {
            result = current.recommend(new RecommendationRequest(storedId(userId), count, filter));
        } catch (ModelUnavailableException e) {
            return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage(), null);
        } catch (RuntimeException e) {
            // The user id stays out of the log: it may be personal data.
            LOG.warn("Recommendation failed (n={}, category filter={})", count, category != null, e);
            return ApiErrors.of(Response.Status.INTERNAL_SERVER_ERROR, "recommendation failed", null);
        }
        // the caller's id, not the stored pseudonym
        return Response.ok(toJson(result, userId)).build();
    }

    static Recommendations toJson(Recommendation recommendation) {
        return toJson(recommendation, recommendation.userId());
    }

    static Recommendations toJson(Recommendation recommendation, String user) {
        List<Item> items = recommendation.items().stream().map(RecommendationResource::toJson).toList();
        return new Recommendations(user, recommendation.model(), items);
    }

    private static Item toJson(RecommendedItem item) {
        List<Source> sources = item.sources().stream().map(RecommendationResource::toJson).toList();
        Trace trace = new Trace(sources, item.fusedScore(), item.modelScore(), item.model());
        return new Item(item.itemId(), item.title(), item.category(), item.score(), trace);
    }

    private static Source toJson(SourceHit hit) {
        return new Source(hit.source(), hit.rank(), hit.score());
    }

    /** A price parameter, null when absent. */
    private static BigDecimal price(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        BigDecimal p;
        try {
            p = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a decimal number");
        }
        if (p.signum() < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
        return p;
    }

    /** True, false, or null when the value is neither. Absent means false. */
    private static Boolean parseBoolean(String value) {
        if (value == null || value.isBlank()) {
            return Boolean.FALSE;
        }
        String v = value.strip();
        if (v.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (v.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        return null;
    }

    @Reference(name = "recommender", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindRecommender")
    void bindRecommender(Recommender service) {
        recommender.set(service);
    }

    void unbindRecommender(Recommender service) {
        recommender.compareAndSet(service, null);
    }

    /**
     * The id the store holds for a user id given by a caller: sources' user ids are pseudonymised at ingestion
     * (dev.rialto.ingest), so callers keep using their own ids. Without the privacy service, the id as given.
     */
    String storedId(String userId) {
        Pseudonymiser p = pseudonymiser.get();
        return p == null ? userId : p.userId(userId);
    }

    @Reference(name = "pseudonymiser", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPseudonymiser")
    void bindPseudonymiser(Pseudonymiser service) {
        pseudonymiser.set(service);
    }

    void unbindPseudonymiser(Pseudonymiser service) {
        pseudonymiser.compareAndSet(service, null);
    }
}
