package dev.rialto.rest.internal.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.rest.internal.RialtoApplication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.rialto.api.privacy.Pseudonymiser;
import java.util.concurrent.atomic.AtomicReference;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
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
 * {@code POST /api/v1/scores} with {@code {"user": ID, "items": [ids]}}: the live model's score of each item for
 * the user, for evaluation and integrators. The body is read as text and parsed here, so that every bad field
 * becomes a 400 naming it instead of the JSON provider's bare 400.
 */
@Component(service = ScoreResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RialtoApplication.SELECT)
@JSONRequired
@Path("v1/scores")
public class ScoreResource {
    static final int MAX_ITEMS = 1000;
    static final int MAX_ID_LENGTH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ScoreResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<InterestScorer> scorer = new AtomicReference<>();
    private final AtomicReference<Pseudonymiser> pseudonymiser = new AtomicReference<>();

    /** The answer: {@code model} is {@code name@version}; {@code scores} in the order the items were given. */
    public record Scores(String model, Map<String, Double> scores) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response score(String body) {
        if (body == null || body.isBlank()) {
            return ApiErrors.badRequest("a JSON body {\"user\": ID, \"items\": [ids]} is required", "body");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return ApiErrors.badRequest("the body is not valid JSON: " + e.getOriginalMessage(), "body");
        }
        if (root == null || !root.isObject()) {
            return ApiErrors.badRequest("the body must be a JSON object {\"user\": ID, \"items\": [ids]}", "body");
        }
        JsonNode userNode = root.get("user");
        if (userNode == null || userNode.isNull()) {
            return ApiErrors.badRequest("user is required", "user");
        }
        if (!userNode.isTextual() || userNode.asText().isBlank()) {
            return ApiErrors.badRequest("user must be a non-empty string", "user");
        }
        String user = userNode.asText().strip();
        if (user.length() > MAX_ID_LENGTH) {
            return ApiErrors.badRequest("user must be at most " + MAX_ID_LENGTH + " characters", "user");
        }
        JsonNode itemsNode = root.get("items");
        if (itemsNode == null || itemsNode.isNull()) {
            return ApiErrors.badRequest("items is required", "items");
        }
        if (!itemsNode.isArray()) {
            return ApiErrors.badRequest("items must be an array of item ids", "items");
        }
        if (itemsNode.isEmpty() || itemsNode.size() > MAX_ITEMS) {
            return ApiErrors.badRequest("items must hold 1 to " + MAX_ITEMS + " ids, has " + itemsNode.size(),
                    "items");
        }
        List<String> items = new ArrayList<>(itemsNode.size());
        for (int i = 0; i < itemsNode.size(); i++) {
            JsonNode item = itemsNode.get(i);
            String field = "items[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                return ApiErrors.badRequest(field + " must be a non-empty string", field);
            }
            if (item.asText().length() > MAX_ID_LENGTH) {
                return ApiErrors.badRequest(field + " must be at most " + MAX_ID_LENGTH + " characters", field);
            }
            items.add(item.asText());
        }

        InterestScorer current = scorer.get();
        if (current == null) {
            return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE,
                    "no interest scorer is available; install and start the rialto-scoring feature", null);
        }
        ScoreResult result;
        try {
            result = current.score(storedId(user), items);
        } catch (ModelUnavailableException e) {
            return ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage(), null);
        } catch (RuntimeException e) {
            // The user id stays out of the log: it may be personal data.
            LOG.warn("Scoring {} items failed", items.size(), e);
            return ApiErrors.of(Response.Status.INTERNAL_SERVER_ERROR, "scoring failed", null);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String item : items) {
            Double score = result.scores().get(item);
            if (score != null) {
                scores.put(item, score);
            }
        }
        return Response.ok(new Scores(result.model().name() + "@" + result.model().version(), scores)).build();
    }

    // The ad click model's scorer (rialto.provider=ads) scores creatives, not items.
    @Reference(name = "scorer", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindScorer", target = "(!(rialto.provider=ads))")
    void bindScorer(InterestScorer service) {
        scorer.set(service);
    }

    void unbindScorer(InterestScorer service) {
        scorer.compareAndSet(service, null);
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
