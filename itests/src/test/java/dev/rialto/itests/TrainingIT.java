package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Training triggers and bundle-contributed models in the built distribution: {@code rialto:train --model} with its
 * progress bar, {@code POST /api/v1/models/train} with its job resource, and a bundle carrying a model under
 * {@code META-INF/rialto/models/} that is served while the bundle runs and dropped when it stops.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class TrainingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTRIBUTED = "contrib-ranker";
    private static final String VERSION = "20260101T000000000Z";

    @Inject
    @Filter(value = "(rialto.provider=onnx)", timeout = 60_000)
    private InterestScorer scorer;
    @Inject
    @Filter(timeout = 60_000)
    private ModelRegistry registry;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    /** Both scorers of the shared feature snapshot take the behaviour vectors (else they rebuilt it in turn). */
    @Test
    public void theAdClickModelsScorerBindsTheBehaviourVectorsToo() throws Exception {
        Bundle scoring = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "dev.rialto.scoring.onnx".equals(b.getSymbolicName())).findFirst().orElseThrow();
        for (String component : new String[] {"dev.rialto.scoring.onnx.ads",
                "dev.rialto.scoring.onnx.internal.OnnxInterestScorer"}) {
            java.net.URL xml = scoring.getEntry("OSGI-INF/" + component + ".xml");
            assertTrue(component, xml != null);
            try (java.io.InputStream in = xml.openStream()) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(text, text.contains("name=\"behaviour\"")
                        && text.contains("interface=\"dev.rialto.api.retrieval.BehaviourVectorReader\""));
            }
        }
    }

    @Test
    public void consoleTrainsOneModelByNameWithAProgressBar() throws Exception {
        Await.until("a trained model", Duration.ofMinutes(5), () -> scorer.activeModel().orElse(null));
        String out = Support.execute(sessions, "rialto:train --force --model behaviour-ials");
        for (int i = 0; i < 10 && out.contains("already in progress"); i++) {
            // The scheduled route was training it at that moment: try again once it is done.
            Thread.sleep(5_000);
            out = Support.execute(sessions, "rialto:train --force --model behaviour-ials");
        }
        assertTrue(out, out.contains("\rbehaviour-ials") && out.contains("100% done"));
        assertTrue(out, out.contains("Model      behaviour-ials"));
        // PROMOTED when the index takes behaviour vectors, else evaluated and not published.
        assertTrue(out, out.contains("Status     PROMOTED") || out.contains("no BehaviourVectorSink"));
        assertFalse(out, out.contains("Model      ranker"));
        String unknown = Support.execute(sessions, "rialto:train --model nope");
        assertTrue(unknown, unknown.contains("error: model 'nope' is not trained here"));
        String evaluations = Support.execute(sessions, "rialto:model-evaluations behaviour-ials");
        assertTrue(evaluations, evaluations.toLowerCase(java.util.Locale.ROOT).contains("item-knn"));
    }

    @Test
    public void restQueuesATrainingJobAndShowsItsProgressAndReports() throws Exception {
        Await.until("a trained model", Duration.ofMinutes(5), () -> scorer.activeModel().orElse(null));
        String password = Support.adminPassword();
        JsonNode done = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Http.Answer accepted = Http.post("/api/v1/models/train?model=ranker&force=true", "", "admin", password);
            assertEquals(accepted.toString(), 202, accepted.status);
            String id = JSON.readTree(accepted.body).get("id").asText();
            done = Await.until("the training job", Duration.ofMinutes(5), () -> {
                try {
                    JsonNode job = JSON.readTree(Http.get("/api/v1/models/train/" + id, "admin", password).body);
                    return job.get("state").asText().matches("DONE|FAILED") ? job : null;
                } catch (Exception e) {
                    return null;
                }
            });
            // SKIPPED: the scheduled route was training the ranker at that moment; submit again.
            if (!"SKIPPED".equals(done.path("reports").path(0).path("status").asText())) {
                break;
            }
        }
        assertEquals(done.toString(), "DONE", done.get("state").asText());
        assertEquals(1.0, done.get("progress").asDouble(), 1e-9);
        JsonNode report = done.get("reports").get(0);
        assertEquals("ranker", report.get("model").asText());
        assertTrue(report.toString(), report.get("status").asText().matches("PROMOTED|REJECTED"));
        assertTrue(report.toString(), report.get("baselines").has("ials.ndcg@10.full"));

        assertEquals(400, Http.post("/api/v1/models/train?model=nope", "", "admin", password).status);
        assertEquals(404, Http.get("/api/v1/models/train/nope", "admin", password).status);
        assertEquals(401, Http.post("/api/v1/models/train", "", null, null).status);
    }

    @Test
    public void aBundlesModelIsServedWhileTheBundleRuns() throws Exception {
        ModelInfo trained = Await.until("a trained model", Duration.ofMinutes(5),
                () -> scorer.activeModel().orElse(null));
        Path source = Support.home().resolve("models").resolve(trained.name()).resolve(trained.version());
        byte[] onnx = Files.readAllBytes(source.resolve("model.onnx"));
        String card = Files.readString(source.resolve("model.json"))
                .replace("\"" + trained.name() + "\"", "\"" + CONTRIBUTED + "\"")
                .replace(trained.version(), VERSION);
        Bundle bundle = context.installBundle("inline:contrib-ranker", new ByteArrayInputStream(jar(card, onnx)));
        try {
            bundle.start();
            ModelInfo served = Await.until("the contributed model", Duration.ofSeconds(60),
                    () -> registry.active(CONTRIBUTED).orElse(null));
            assertEquals(VERSION, served.version());
            Path folder = Support.home().resolve("models").resolve(CONTRIBUTED).resolve(VERSION);
            assertTrue(Files.isRegularFile(folder.resolve("contributed-by")));

            bundle.stop();
            Await.until("the model gone with its bundle", Duration.ofSeconds(60),
                    () -> registry.active(CONTRIBUTED).isEmpty() ? true : null);
            assertFalse(Files.exists(folder));
        } finally {
            bundle.uninstall();
        }
    }

    private static byte[] jar(String card, byte[] onnx) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "dev.rialto.itests.contrib");
        main.putValue("Bundle-Version", "1.0.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            String base = "META-INF/rialto/models/" + CONTRIBUTED + "/";
            out.putNextEntry(new JarEntry(base + "model.json"));
            out.write(card.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(base + "model.onnx"));
            out.write(onnx);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
