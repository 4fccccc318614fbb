package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.retrieval.BehaviourVectorSink;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.ItemSearch;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * Brand and price filters, Chinese search (smartcn inside Karaf) and published behaviour vectors, on items posted
 * through {@code POST /api/v1/items}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class RetrievalFiltersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ITEMS = "["
            + "{\"id\":\"itf-1\",\"title\":\"Quokka trail shoe\",\"category\":\"Sports > Running\",\"price\":\"80\","
            + "\"brand\":\"Quokkasport\"},"
            + "{\"id\":\"itf-2\",\"title\":\"Quokka trail shoe lite\",\"category\":\"Sports > Running\","
            + "\"price\":\"60\",\"brand\":\"Wombatwear\"},"
            + "{\"id\":\"itf-3\",\"title\":\"Quokka trail shoe pro\",\"category\":\"Sports > Running\","
            + "\"price\":\"150\",\"brand\":\"Quokkasport\"},"
            + "{\"id\":\"itz-1\",\"title\":\"蓝牙无线耳机\",\"description\":\"主动降噪\",\"category\":\"电子产品 > 音频\","
            + "\"price\":\"199\",\"language\":\"zh\"},"
            + "{\"id\":\"itz-2\",\"title\":\"不锈钢炒锅\",\"description\":\"适合电磁炉\",\"category\":\"厨房 > 锅具\","
            + "\"price\":\"129\",\"language\":\"zh-CN\"}]";

    @Inject
    @Filter(timeout = 60_000)
    private ItemSearch search;
    @Inject
    @Filter(timeout = 60_000)
    private BehaviourVectorSink behaviour;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;
    /** REST takes the shop's user id and looks up its pseudonym: vectors are published under the pseudonym. */
    @Inject
    @Filter(timeout = 60_000)
    private dev.rialto.api.privacy.Pseudonymiser pseudonymiser;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("items").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    private static void postItems(String password) {
        Http.Answer posted = Await.until("the items resource", Duration.ofSeconds(60), () -> {
            Http.Answer a = Http.post("/api/v1/items", ITEMS, "admin", password);
            return a.status == 404 || a.status == 503 ? null : a;
        });
        assertEquals(posted.toString(), 200, posted.status);
    }

    @Test
    public void brandPriceAndChineseFiltersOverRestAndConsole() throws Exception {
        String password = Support.adminPassword();
        postItems(password);
        JsonNode filtered = Await.until("the posted items in the index", Duration.ofSeconds(60), () -> {
            try {
                JsonNode b = JSON.readTree(Http.get("/api/v1/search?n=20&q=" + q("quokka trail shoe")
                        + "&brand=quokkasport&maxPrice=100", "admin", password).body);
                return ids(b).contains("itf-1") ? b : null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(filtered.toString(), List.of("itf-1"), ids(filtered));
        JsonNode both = JSON.readTree(Http.get("/api/v1/search?n=20&q=quokka&brand=Quokkasport&brand=Wombatwear"
                + "&minPrice=70", "admin", password).body);
        assertEquals(Set.of("itf-1", "itf-3"), new TreeSet<>(ids(both)));
        Http.Answer bad = Http.get("/api/v1/search?q=quokka&minPrice=cheap", "admin", password);
        assertEquals(bad.toString(), 400, bad.status);
        assertEquals("minPrice", JSON.readTree(bad.body).get("field").asText());

        JsonNode zh = JSON.readTree(Http.get("/api/v1/search?n=5&q=" + q("耳机"), "admin", password).body);
        assertEquals(zh.toString(), "itz-1", ids(zh).get(0));
        JsonNode wok = JSON.readTree(Http.get("/api/v1/search?n=5&q=" + q("电磁炉") + "&category=" + q("厨房"),
                "admin", password).body);
        assertEquals(wok.toString(), List.of("itz-2"), ids(wok));

        JsonNode recs = JSON.readTree(Http.get("/api/v1/recommendations?user=itf-shopper&n=10&brand=Quokkasport"
                + "&minPrice=100", "admin", password).body);
        assertEquals(recs.toString(), List.of("itf-3"), ids(recs));
        Http.Answer badRec = Http.get("/api/v1/recommendations?user=u&maxPrice=-1", "admin", password);
        assertEquals(badRec.toString(), 400, badRec.status);

        String table = Support.execute(sessions, "rialto:search --brand Wombatwear --max-price 70 quokka shoe");
        assertTrue(table, table.contains("itf-2") && !table.contains("itf-1") && !table.contains("itf-3"));
        String rec = Support.execute(sessions, "rialto:recommend --brand quokkasport --max-price 100 itf-shopper");
        assertTrue(rec, rec.contains("itf-1") && !rec.contains("itf-3"));
    }

    @Test
    public void publishedBehaviourVectorsFeedTheBehaviourSource() throws Exception {
        String password = Support.adminPassword();
        postItems(password);
        Await.until("the posted items in the index", Duration.ofSeconds(60),
                () -> search.search("quokka", 10, null).items().size() >= 3 ? Boolean.TRUE : null);
        // Three items, one user: the user's vector points at itf-2.
        Map<String, float[]> items = Map.of("itf-1", new float[] {1, 0, 0, 0}, "itf-2", new float[] {0, 1, 0, 0},
                "itf-3", new float[] {0, 0, 1, 0});
        Map<String, float[]> users = Map.of(pseudonymiser.userId("itb-user"), new float[] {0.1f, 2, 0.2f, 0});
        // The scheduled iALS training publishes too: publish again if it replaced ours before the request.
        JsonNode first = Await.until("recommendations from the published vectors", Duration.ofSeconds(120), () -> {
            if (!"it-behaviour@1".equals(behaviour.current().orElse(null))) {
                behaviour.publish(new BehaviourVectors("it-behaviour", "1", 4, items, users, 0.05, Instant.now()));
            }
            try {
                JsonNode recs = JSON.readTree(Http.get("/api/v1/recommendations?user=itb-user&n=1000", "admin",
                        password).body);
                for (JsonNode item : recs.get("items")) {
                    for (JsonNode s : item.get("trace").get("sources")) {
                        if (s.get("source").asText().equals("behaviour") && s.get("rank").asInt() == 1) {
                            return item;
                        }
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        assertEquals("itf-2", first.get("id").asText());
        String status = Await.until("the index status naming the vectors", Duration.ofSeconds(60), () -> {
            if (!"it-behaviour@1".equals(behaviour.current().orElse(null))) {
                behaviour.publish(new BehaviourVectors("it-behaviour", "1", 4, items, users, 0.05, Instant.now()));
            }
            try {
                String text = Support.execute(sessions, "rialto:index-status");
                return text.contains("behaviour:it-behaviour@1") ? text : null;
            } catch (Exception e) {
                return null;
            }
        });
        assertTrue(status, status.contains("behaviour:it-behaviour@1"));
    }

    /** The popular source's score of the item, 0 when it does not list it. */
    private double popularScore(String itemId) {
        org.osgi.framework.BundleContext bc = org.osgi.framework.FrameworkUtil.getBundle(getClass())
                .getBundleContext();
        java.util.Collection<org.osgi.framework.ServiceReference<dev.rialto.api.retrieval.CandidateSource>> refs;
        try {
            refs = bc.getServiceReferences(dev.rialto.api.retrieval.CandidateSource.class,
                    "(rialto.provider=popular)");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (var ref : refs) {
            var source = bc.getService(ref);
            try {
                for (var c : source.candidates(new dev.rialto.api.retrieval.CandidateQuery(null, null, 1000,
                        new dev.rialto.api.retrieval.ItemFilter(null, Set.of(), false, false)))) {
                    if (c.itemId().equals(itemId)) {
                        return c.score();
                    }
                }
            } finally {
                bc.ungetService(ref);
            }
        }
        return 0;
    }

    @Test
    public void forgettingAUserTakesThemOutOfPopularityAndTheRebuildShowsProgress() throws Exception {
        String password = Support.adminPassword();
        postItems(password);
        Await.until("the posted items in the index", Duration.ofSeconds(60),
                () -> search.search("quokka", 10, null).items().size() >= 3 ? Boolean.TRUE : null);
        double before = popularScore("itf-3");
        StringBuilder body = new StringBuilder("[");
        Instant now = Instant.now();
        for (int i = 0; i < 8; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"itg-p").append(i)
                    .append("\",\"type\":\"purchase\",\"user\":\"itg-heavy\",\"item\":\"itf-3\",\"timestamp\":\"")
                    .append(now.minusSeconds(60 - i)).append("\"}");
        }
        body.append("]");
        Http.Answer posted = Http.post("/api/v1/events", body.toString(), "admin", password);
        assertEquals(posted.toString(), 200, posted.status);
        // Eight purchases weigh 5 each (popular.weights): the counters follow the store's feed.
        double counted = Await.until("the purchases in popularity", Duration.ofSeconds(60), () -> {
            double s = popularScore("itf-3");
            return s >= before + 39 ? s : null;
        });

        String forget = Support.execute(sessions, "rialto:profile-forget itg-heavy");
        assertTrue(forget, forget.contains(", 8 events"));
        double after = popularScore("itf-3");
        assertTrue("before " + before + ", with the user " + counted + ", after forgetting " + after,
                after <= counted - 39 && after <= before + 1);

        String rebuild = Support.execute(sessions, "rialto:index-rebuild");
        assertTrue(rebuild, rebuild.contains("items") && rebuild.contains("Rebuilt the item index"));
        String status = Support.execute(sessions, "rialto:index-status --check");
        assertTrue(status, !status.isBlank());
    }
}
