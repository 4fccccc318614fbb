package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.models.EvaluationHistory;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;
import dev.rialto.api.scoring.InterestScorer;
import java.time.Duration;
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

/** Hybrid search and similar items on the demo shop, over REST and the console; kept evaluations. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class SearchIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Filter(timeout = 60_000)
    private ItemSearch search;
    @Inject
    @Filter(value = "(rialto.provider=onnx)", timeout = 60_000)
    private InterestScorer scorer;
    @Inject
    @Filter(timeout = 60_000)
    private EvaluationHistory evaluations;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void hybridSearchFindsByMeaningAndSimilarExcludesTheItem() throws Exception {
        // Vectors are computed in the background after ingestion: wait until the semantic source takes part.
        SearchResult result = Await.until("semantic hits for 'wireless earbuds'", Duration.ofMinutes(4), () -> {
            SearchResult r = search.search("wireless earbuds", 10, null);
            return r.items().stream().anyMatch(i -> i.sources().stream()
                    .anyMatch(s -> s.source().equals("semantic"))) ? r : null;
        });
        assertEquals(10, result.items().size());
        assertTrue(result.items().toString(), result.items().stream()
                .filter(i -> i.category().startsWith("Electronics")).count() >= 5);

        String password = Support.adminPassword();
        JsonNode body = JSON.readTree(Http.get("/api/v1/search?q=garden%20hose&n=5", "admin", password).body);
        assertEquals(5, body.get("items").size());
        String first = body.get("items").get(0).get("id").asText();

        Http.Answer similar = Http.get("/api/v1/items/" + first + "/similar?n=5", "admin", password);
        assertEquals(similar.toString(), 200, similar.status);
        JsonNode items = JSON.readTree(similar.body).get("items");
        assertEquals(5, items.size());
        for (JsonNode item : items) {
            assertTrue(similar.body, !item.get("id").asText().equals(first));
        }
        assertEquals(404, Http.get("/api/v1/items/no-such-item/similar", "admin", password).status);
        assertEquals(400, Http.get("/api/v1/search?q=%20", "admin", password).status);
        assertEquals(401, Http.get("/api/v1/search?q=hose", null, null).status);

        String table = Support.execute(sessions, "rialto:search -n 3 garden hose");
        assertTrue(table, table.contains(first));
        String near = Support.execute(sessions, "rialto:similar -n 3 " + first);
        assertTrue(near, near.lines().count() >= 4);

        String status = Support.execute(sessions, "rialto:index-status --check");
        assertTrue(status, status.contains("Documents") && status.contains("Consistency"));
    }

    @Test
    public void everyTrainingRunIsKeptWithItsBaselines() throws Exception {
        Await.until("a trained model", Duration.ofMinutes(5), () -> scorer.activeModel().orElse(null));
        var kept = Await.until("a kept evaluation", Duration.ofSeconds(30), () -> {
            var list = evaluations.evaluations("ranker", 5);
            return list.isEmpty() ? null : list;
        });
        var newest = kept.get(0);
        assertTrue(newest.results().toString(), newest.value("model", "ndcg@10") != null);
        assertTrue(newest.value("popularity", "ndcg@10") != null);
        assertTrue(newest.value("item-knn", "ndcg@10") != null);
        assertTrue(newest.value("buy-again", "ndcg@10") != null);
        String text = Support.execute(sessions, "rialto:model-evaluations");
        assertTrue(text, text.contains("BUY-AGAIN") && text.contains("PROMOTED"));
    }
}
