package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.ops4j.pax.exam.util.Filter;

/**
 * Models: a version dropped into models/ goes live under a steady load of requests with none failing; scores over
 * REST; rollback from the console.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class ModelsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DROPPED = "20991231T000000000Z";

    @Inject
    @Filter(value = "(rialto.provider=onnx)", timeout = 60_000)
    private InterestScorer scorer;
    @Inject
    @Filter(timeout = 60_000)
    private ModelRegistry registry;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void droppedVersionGoesLiveScoresOverRestAndRollsBack() throws Exception {
        ModelInfo trained = Await.until("a trained model", Duration.ofMinutes(5),
                () -> scorer.activeModel().orElse(null));
        Path models = Support.home().resolve("models").resolve(trained.name());
        Path dropped = models.resolve(DROPPED);
        try {
            // Drop a copy of the live model as a newer version, the way an offline recipe publishes one.
            Path temp = models.resolve(".tmp-" + DROPPED);
            Files.createDirectories(temp);
            Files.copy(models.resolve(trained.version()).resolve("model.onnx"), temp.resolve("model.onnx"));
            Files.writeString(temp.resolve("model.json"), Files.readString(
                    models.resolve(trained.version()).resolve("model.json")).replace(trained.version(), DROPPED));
            // A steady load of recommendation requests across the swap: not one may fail.
            String password = Support.adminPassword();
            AtomicBoolean loading = new AtomicBoolean(true);
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<String> servedBy = ConcurrentHashMap.newKeySet();
            AtomicInteger requests = new AtomicInteger();
            Thread load = new Thread(() -> {
                int user = 0;
                while (loading.get()) {
                    user = user % 1000 + 1;
                    Http.Answer answer = Http.get(String.format("/api/v1/recommendations?user=u%04d&n=10", user),
                            "admin", password);
                    requests.incrementAndGet();
                    if (answer.status != 200) {
                        failures.add(answer.toString());
                    } else {
                        try {
                            servedBy.add(JSON.readTree(answer.body).get("model").asText());
                        } catch (Exception e) {
                            failures.add("unreadable: " + answer.body);
                        }
                    }
                }
            }, "it-recommendation-load");
            load.start();
            try {
                // Waits for served requests rather than sleeping: on a loaded machine (a training run in the
                // background) one request can take longer than a fixed pause.
                String before = trained.name() + "@" + trained.version();
                Await.until("a request served by " + before, Duration.ofSeconds(60),
                        () -> servedBy.contains(before) ? true : null);
                Files.move(temp, dropped);
                Await.until("the dropped version live", Duration.ofSeconds(60), () -> scorer.activeModel()
                        .filter(m -> m.version().equals(DROPPED)).orElse(null));
                String after = trained.name() + "@" + DROPPED;
                Await.until("a request served by " + after, Duration.ofSeconds(60),
                        () -> servedBy.contains(after) ? true : null);
            } finally {
                loading.set(false);
                load.join(30_000);
            }
            assertEquals("failed requests during the swap", List.of(), failures);
            assertTrue(servedBy + " after " + requests.get() + " requests", servedBy.containsAll(List.of(
                    trained.name() + "@" + trained.version(), trained.name() + "@" + DROPPED)));

            JsonNode list = JSON.readTree(Http.get("/api/v1/models", "admin", password).body);
            assertTrue(list.toString(), list.get("models").size() >= 2);
            for (JsonNode model : list.get("models")) {
                assertEquals(model.toString(), model.get("version").asText().equals(DROPPED),
                        model.get("active").asBoolean());
            }

            Http.Answer scores = Http.post("/api/v1/scores", "{\"user\":\"u0001\",\"items\":[\"i00001\",\"i00002\"]}",
                    "admin", password);
            assertEquals(scores.toString(), 200, scores.status);
            JsonNode body = JSON.readTree(scores.body);
            assertEquals(trained.name() + "@" + DROPPED, body.get("model").asText());
            assertEquals(2, body.get("scores").size());
            double score = body.get("scores").get("i00001").asDouble();
            assertTrue(body.toString(), score > 0 && score < 1);

            Http.Answer empty = Http.post("/api/v1/scores", "{\"user\":\"u0001\",\"items\":[]}", "admin", password);
            assertEquals(empty.toString(), 400, empty.status);
            assertEquals("items", JSON.readTree(empty.body).get("field").asText());

            String listed = Support.execute(sessions, "rialto:model-list");
            assertTrue(listed, listed.contains(DROPPED) && listed.contains(trained.version()));

            String rolledBack = Support.execute(sessions, "rialto:model-rollback " + trained.name());
            assertTrue(rolledBack, rolledBack.contains(trained.version()));
            assertEquals(trained.version(), scorer.activeModel().orElseThrow().version());
            assertTrue(Files.exists(dropped.resolve("rolled-back")));
            assertEquals(trained.version(), registry.active(trained.name()).orElseThrow().version());
        } finally {
            deleteTree(dropped);
            registry.rescan();
        }
    }

    private static void deleteTree(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
