package dev.rialto.rest.internal.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingProgress;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingResourceTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final Service service = new Service();
    private TrainingResource resource;

    /** Jobs finish at once with one report per model. */
    static final class Service implements TrainingService {
        final Map<String, TrainingJob> jobs = new HashMap<>();
        final List<String> submitted = new ArrayList<>();

        @Override
        public List<String> trainable() {
            return List.of("ranker", "behaviour-ials");
        }

        @Override
        public List<TrainingReport> train(String model, boolean force, TrainingProgress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TrainingJob submit(String model, boolean force) {
            if (model != null && !trainable().contains(model)) {
                throw new IllegalArgumentException("model '" + model + "' is not trained here; known: " + trainable());
            }
            submitted.add(model + "/" + force);
            List<String> models = model == null ? trainable() : List.of(model);
            TrainingJob job = new TrainingJob("job-" + jobs.size(), models, force, TrainingJob.State.DONE, T0, T0,
                    null, null, 1, models.stream().map(m -> new TrainingReport(TrainingReport.Status.PROMOTED, m,
                            "v1", T0, T0, 10, 5, Map.of("ndcg@10", 0.3), Map.of(), "ok")).toList(), null);
            jobs.put(job.id(), job);
            return job;
        }

        @Override
        public Optional<TrainingJob> job(String id) {
            return Optional.ofNullable(jobs.get(id));
        }

        @Override
        public List<TrainingReport> trainIfDue(String cron) {
            return List.of();
        }
    }

    @BeforeEach
    void setUp() {
        resource = new TrainingResource();
        resource.bindTrainer(service);
    }

    private JsonNode json(Response response) {
        return mapper.valueToTree(response.getEntity());
    }

    @Test
    void anAdminSubmitsAndThenReadsTheJob() {
        Response response = resource.submit("ranker", "true", FakeModels.user("boss", "rialto-admin"), null);
        assertEquals(202, response.getStatus());
        JsonNode job = json(response);
        assertEquals("/api/v1/models/train/job-0", response.getLocation().toString());
        assertEquals(List.of("ranker/true"), service.submitted);
        assertEquals("DONE", job.get("state").asText());
        assertEquals("2026-11-28T10:00:00Z", job.get("submittedAt").asText());

        Response read = resource.job("job-0", FakeModels.user("boss", "rialto-admin"));
        assertEquals(200, read.getStatus());
        JsonNode report = json(read).get("reports").get(0);
        assertEquals("ranker", report.get("model").asText());
        assertEquals("PROMOTED", report.get("status").asText());
        assertEquals(0.3, report.get("metrics").get("ndcg@10").asDouble(), 1e-12);

        assertEquals(202, resource.submit(null, null, FakeModels.user("boss", "rialto-admin"), null).getStatus());
        assertEquals("null/false", service.submitted.get(1));
    }

    @Test
    void badInputIs400NamingTheParameter() {
        Response unknown = resource.submit("nope", null, FakeModels.user("boss", "rialto-admin"), null);
        assertEquals(400, unknown.getStatus());
        assertEquals("model", json(unknown).get("field").asText());
        assertTrue(json(unknown).get("error").asText().contains("'nope'"));
        Response force = resource.submit(null, "yes", FakeModels.user("boss", "rialto-admin"), null);
        assertEquals(400, force.getStatus());
        assertEquals("force", json(force).get("field").asText());
        assertTrue(service.submitted.isEmpty());
    }

    @Test
    void onlyAdminsTrainAndUnknownJobsAre404AndNoTrainerIs503() {
        assertEquals(403, resource.submit(null, null, FakeModels.user("m", "rialto-marketer"), null).getStatus());
        assertEquals(403, resource.job("job-0", FakeModels.user("m", "rialto-marketer")).getStatus());
        assertTrue(service.submitted.isEmpty());
        assertEquals(404, resource.job("nope", FakeModels.user("boss", "rialto-admin")).getStatus());
        resource.unbindTrainer(service);
        assertEquals(503, resource.submit(null, null, FakeModels.user("boss", "rialto-admin"), null).getStatus());
    }
}
