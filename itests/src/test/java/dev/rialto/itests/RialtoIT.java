package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.karaf.features.FeaturesService;
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
import org.osgi.framework.ServiceRegistration;

/**
 * The first slice end to end, in the built distribution: the demo shop is ingested from the inbox, indexed,
 * a model is trained, exported and loaded, and recommendations come back over REST and the console.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class RialtoIT {

    private static final List<String> FEATURES = List.of("rialto-api", "rialto-camel", "rialto-store",
            "rialto-ingest", "rialto-retrieval", "rialto-onnxruntime", "rialto-embeddings", "rialto-scoring",
            "rialto-training", "rialto-ads", "rialto-content", "rialto-content-llm", "rialto-campaigns",
            "rialto-demo", "rialto-jaxrs", "rialto-rest", "rialto-shell", "rialto");
    private static final Duration SLICE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext context;
    /** Sources' user ids are stored pseudonymised; direct service calls take the stored id. */
    @Inject
    @Filter(timeout = 60_000)
    private Pseudonymiser pseudonymiser;
    @Inject
    private FeaturesService features;
    @Inject
    @Filter(timeout = 60_000)
    private ItemRepository items;
    @Inject
    @Filter(timeout = 60_000)
    private EventRepository events;
    @Inject
    @Filter(timeout = 60_000)
    private ProfileRepository profiles;
    @Inject
    @Filter(timeout = 60_000)
    private Ingestor ingestor;
    @Inject
    @Filter(timeout = 60_000)
    private Recommender recommender;
    @Inject
    @Filter(value = "(rialto.provider=onnx)", timeout = 60_000)
    private InterestScorer scorer;
    @Inject
    @Filter(timeout = 60_000)
    private FeatureExtractor extractor;
    @Inject
    @Filter(timeout = 60_000)
    private ModelTrainer trainer;
    @Inject
    @Filter(timeout = 60_000)
    private CamelContext camel;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void everyRialtoFeatureIsInstalledAndItsBundlesAreActive() throws Exception {
        for (String feature : FEATURES) {
            assertTrue(feature + " installed", features.isInstalled(features.getFeature(feature)));
        }
        List<Bundle> rialto = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("dev.rialto")).collect(Collectors.toList());
        assertEquals(rialto.toString(), 16, rialto.size());
        for (Bundle bundle : rialto) {
            assertEquals(bundle.getSymbolicName() + " active", Bundle.ACTIVE, bundle.getState());
        }
        List<String> sources = new ArrayList<>();
        for (var ref : context.getServiceReferences(CandidateSource.class, null)) {
            sources.add((String) ref.getProperty(ServiceProperties.PROVIDER));
        }
        assertTrue(sources.toString(), sources.containsAll(List.of("text", "popular", "popular-in-category")));
        assertTrue(extractor.featureNames().contains("user_category_affinity"));
        assertEquals("rialto", camel.getName());
    }

    @Test
    public void droppedCsvIsIngestedAndMovedToDone() throws Exception {
        Path inbox = Support.home().resolve("inbox/items");
        Files.createDirectories(inbox);
        Support.write(inbox, "it-good.csv", "id,title,description,category,price,currency,available\n"
                + "it-1,Integration teapot,A teapot for tests,Kitchen > Teapots,12.50,GBP,true\n"
                + "it-2,\"Integration mug, large\",A mug,Kitchen > Mugs,4.00,GBP,true\n");

        Await.until("it-good.csv in .done", Duration.ofSeconds(60),
                () -> Files.exists(inbox.resolve(".done/it-good.csv")) ? true : null);
        Item mug = Await.until("it-2 stored", Duration.ofSeconds(10), () -> items.find("it-2").orElse(null));
        assertEquals("Integration mug, large", mug.title());
        assertEquals("Kitchen > Mugs", mug.category());
        assertTrue(items.find("it-1").isPresent());
        assertFalse(Files.exists(inbox.resolve(".error/it-good.csv")));
    }

    @Test
    public void csvWithBadRowsGoesToErrorWithAReasonPerRowAndItsGoodRowsAreStored() throws Exception {
        Path inbox = Support.home().resolve("inbox/items");
        Files.createDirectories(inbox);
        Support.write(inbox, "it-mixed.csv", "id,title,price,currency\n"
                + "it-10,Good lamp,20.00,GBP\n"
                + "it-11,Bad price lamp,twenty,GBP\n"
                + "it-12,,5.00,GBP\n"
                + "it-13,Another good lamp,25.00,GBP\n");

        Path rejections = inbox.resolve(".error/it-mixed.csv.rejections.csv");
        Await.until("rejections of it-mixed.csv", Duration.ofSeconds(60),
                () -> Files.exists(inbox.resolve(".error/it-mixed.csv")) && Files.exists(rejections) ? true : null);
        List<String> lines = Files.readAllLines(rejections);
        assertEquals(lines.toString(), 3, lines.size());
        assertEquals("line,record,field,reason", lines.get(0));
        assertTrue(lines.get(1), lines.get(1).startsWith("3,it-11,price,"));
        assertTrue(lines.get(2), lines.get(2).startsWith("4,it-12,title,"));
        assertTrue(items.find("it-10").isPresent());
        assertTrue(items.find("it-13").isPresent());
        assertFalse(items.find("it-11").isPresent());
        assertFalse(items.find("it-12").isPresent());
        assertFalse(Files.exists(inbox.resolve(".done/it-mixed.csv")));
    }

    @Test
    public void yamlRouteDroppedIntoDeployRunsAndIsRemovedWithItsFile() throws Exception {
        Path deploy = Paths.get(System.getProperty("karaf.base")).resolve("deploy");
        Path out = Support.home().resolve("it-route-out");
        Path file = deploy.resolve("it-hello.camel.yaml");
        Support.write(deploy, "it-hello.camel.yaml", "- route:\n"
                + "    id: it-hello\n"
                + "    from:\n"
                + "      uri: \"timer:it-hello?period=200\"\n"
                + "      steps:\n"
                + "        - setBody:\n"
                + "            simple: \"items=${bean:" + ItemRepository.class.getName() + "?method=count}\"\n"
                + "        - to: \"file:" + out + "?fileName=hello.txt\"\n");
        // The route calls an OSGi service by name: the store's repository, found by its interface name.

        Await.until("route it-hello started", Duration.ofSeconds(30), () -> camel.getRoute("it-hello"));
        String hello = Await.until("route output", Duration.ofSeconds(30), () -> {
            try {
                Path written = out.resolve("hello.txt");
                return Files.exists(written) ? Files.readString(written) : null;
            } catch (IOException e) {
                return null;
            }
        });
        assertTrue(hello, hello.matches("items=\\d+"));

        Files.delete(file);
        Await.until("route it-hello removed", Duration.ofSeconds(30),
                () -> camel.getRoute("it-hello") == null ? true : null);
    }

    @Test
    public void demoShopIsIngestedTrainedAndRecommendedOverRestOrderedByScore() throws Exception {
        ModelInfo model = awaitModel();
        assertTrue(items.count() >= 2000);
        assertTrue(events.count() >= 100_000);
        assertTrue(model.metrics().containsKey("auc"));

        String password = Support.adminPassword();
        Http.Answer answer = Http.get("/api/v1/recommendations?user=u0001&n=10", "admin", password);
        assertEquals(answer.toString(), 200, answer.status);
        JsonNode body = JSON.readTree(answer.body);
        assertEquals("u0001", body.get("user").asText());
        assertEquals(model.name() + "@" + model.version(), body.get("model").asText());
        JsonNode list = body.get("items");
        assertEquals(10, list.size());
        double previous = Double.MAX_VALUE;
        for (JsonNode item : list) {
            double score = item.get("score").asDouble();
            assertTrue("ordered by score: " + list, score <= previous);
            previous = score;
            JsonNode trace = item.get("trace");
            assertTrue(trace.get("sources").size() >= 1);
            assertFalse(trace.get("sources").get(0).get("source").asText().isEmpty());
            assertEquals(score, trace.get("modelScore").asDouble(), 1e-9);
        }
    }

    @Test
    public void strongTasteUsersGetMostlyTheirFavouriteCategory() throws Exception {
        awaitModel();
        for (int u = 1; u <= 10; u++) {
            String user = String.format("u%04d", u);
            String favourite = profiles.find(pseudonymiser.userId(user)).orElseThrow().attributes().get("favourite_category");
            assertNotNull(user + " has a favourite category", favourite);
            Recommendation recommendation = recommender.recommend(new RecommendationRequest(pseudonymiser.userId(user), 10,
                    null));
            long inFavourite = recommendation.items().stream()
                    .filter(i -> i.category().startsWith(favourite)).count();
            assertTrue(user + " (" + favourite + ") got " + categories(recommendation), inFavourite >= 6);
        }
    }

    @Test
    public void restRequiresCredentialsAndTheRightRole() throws Exception {
        Http.Answer health = Http.get("/api/v1/health", null, null);
        assertEquals(health.toString(), 200, health.status);
        assertTrue(health.body, JSON.readTree(health.body).get("items").asLong() >= 0);

        Http.Answer anonymous = Http.get("/api/v1/recommendations?user=u0001", null, null);
        assertEquals(anonymous.toString(), 401, anonymous.status);
        assertTrue(anonymous.challenge, anonymous.challenge.startsWith("Basic"));

        Http.Answer wrong = Http.get("/api/v1/recommendations?user=u0001", "admin", "not-the-password");
        assertEquals(wrong.toString(), 401, wrong.status);

        Http.Answer badN = Http.get("/api/v1/recommendations?user=u0001&n=0", "admin", Support.adminPassword());
        assertEquals(badN.toString(), 400, badN.status);
        assertEquals("n", JSON.readTree(badN.body).get("field").asText());
    }

    @Test
    public void consoleCommandsShowStatusAndRecommend() throws Exception {
        ModelInfo model = awaitModel();
        String status = Support.execute(sessions, "rialto:status");
        assertTrue(status, status.contains("dev.rialto.store.jdbc"));
        assertTrue(status, status.contains(model.name() + "@" + model.version()));
        String table = Support.execute(sessions, "rialto:recommend -n 5 u0002");
        assertTrue(table, table.contains("u0002") || table.lines().count() >= 6);
        Recommendation direct = recommender.recommend(new RecommendationRequest(pseudonymiser.userId("u0002"), 5,
                null));
        assertTrue(table, table.contains(direct.items().get(0).itemId()));
    }

    @Test
    public void aCandidateSourceRegisteredAtRunTimeIsFusedAndDroppedWhenItGoes() throws Exception {
        awaitModel();
        Optional<Item> target = items.find("i00001");
        assertTrue(target.isPresent());
        CandidateSource source = new CandidateSource() {
            @Override
            public String name() {
                return "it-source";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                return List.of(new Candidate("i00001", "it-source", 1, 1.0));
            }
        };
        Dictionary<String, Object> properties = new Hashtable<>(Map.of(ServiceProperties.PROVIDER, "it-source"));
        ServiceRegistration<CandidateSource> registration =
                context.registerService(CandidateSource.class, source, properties);
        try {
            RecommendationRequest all = new RecommendationRequest("u0003", RecommendationRequest.MAX_N, null);
            RecommendedItem found = recommender.recommend(all).items().stream()
                    .filter(i -> i.sources().stream().anyMatch(s -> s.source().equals("it-source")))
                    .findFirst().orElse(null);
            assertNotNull("it-source's candidate is in the list", found);
            assertEquals("i00001", found.itemId());
        } finally {
            registration.unregister();
        }
        RecommendationRequest all = new RecommendationRequest("u0003", RecommendationRequest.MAX_N, null);
        assertTrue(recommender.recommend(all).items().stream()
                .noneMatch(i -> i.sources().stream().anyMatch(s -> s.source().equals("it-source"))));
    }

    private ModelInfo awaitModel() {
        return Await.until("the demo shop ingested and a model trained and loaded", SLICE,
                () -> scorer.activeModel().orElse(null));
    }

    private static List<String> categories(Recommendation recommendation) {
        return recommendation.items().stream().map(RecommendedItem::category).collect(Collectors.toList());
    }
}
