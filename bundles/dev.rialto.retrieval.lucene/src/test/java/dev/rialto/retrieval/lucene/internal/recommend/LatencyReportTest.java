package dev.rialto.retrieval.lucene.internal.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeItemRepository;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/** Logs index and recommend timings on a 2,000-item catalogue; asserts outcomes, never times. */
class LatencyReportTest {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyReportTest.class);

    @TempDir
    Path dir;

    @Test
    void indexTwoThousandItemsAndRecommend() throws Exception {
        // Index time through the change feed, as the store delivers it: batches of 500, NRT refresh after each.
        List<Item> items = Catalogue.generate(2000);
        ItemIndex feedIndex = new ItemIndex(new FakeItemRepository(List.of()));
        feedIndex.activate(TestConfig.defaults().set("index.dir", dir.resolve("feed").toString()).build());
        long t0 = System.nanoTime();
        for (int i = 0; i < items.size(); i += 500) {
            feedIndex.itemsStored(items.subList(i, Math.min(items.size(), i + 500)));
        }
        long feedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(2000, feedIndex.size());
        feedIndex.deactivate();

        // Index time of a rebuild from the store (done inside the fixture), and recommendation latency.
        long t1 = System.nanoTime();
        try (Fixture fx = new Fixture(dir.resolve("rebuild"), 2000)) {
            long rebuildMs = (System.nanoTime() - t1) / 1_000_000;
            Random random = new Random(7);
            EventType[] types = {EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.ADD_TO_CART,
                EventType.PURCHASE};
            for (int u = 0; u < 200; u++) {
                int taste = u % Catalogue.CATEGORIES.length;
                for (int e = 0; e < 25; e++) {
                    int item = random.nextInt(400) * 5 + (random.nextInt(4) == 0 ? random.nextInt(5) : taste);
                    fx.event(types[random.nextInt(types.length)], "user" + u, Catalogue.id(item),
                            Fixture.T0.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 30))));
                }
            }
            LuceneRecommender recommender = new LuceneRecommender(fx.index, fx.eventRepo);
            recommender.activate(fx.config);
            Map<String, CandidateSource> sources = new LinkedHashMap<>();
            sources.put("text", fx.text());
            sources.put("popular", fx.popular());
            sources.put("popular-in-category", fx.popularInCategory());
            sources.forEach((name, source) -> recommender.addSource(source, Map.of(ServiceProperties.PROVIDER, name)));
            for (Map.Entry<String, CandidateSource> e : sources.entrySet()) {
                long[] t = new long[100];
                for (int i = 0; i < 120; i++) {
                    long s = System.nanoTime();
                    e.getValue().candidates(new CandidateQuery("user" + (i % 200), null, 200, null));
                    if (i >= 20) {
                        t[i - 20] = (System.nanoTime() - s) / 1000;
                    }
                }
                Arrays.sort(t);
                LOG.info("source {}: 200 candidates, p50 {} us, p95 {} us", e.getKey(), t[50], t[95]);
            }
            recommender.bindScorer(new LuceneRecommenderTest.FakeScorer());

            for (int i = 0; i < 30; i++) {
                recommender.recommend(new RecommendationRequest("user" + (i % 200), 10, null));
            }
            int runs = 100;
            long[] micros = new long[runs];
            Recommendation last = null;
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                last = recommender.recommend(new RecommendationRequest("user" + (i % 200), 10, null));
                micros[i] = (System.nanoTime() - s) / 1000;
            }
            Arrays.sort(micros);
            assertEquals(10, last.items().size());
            assertTrue(last.items().get(0).sources().size() >= 1);
            LOG.info("2,000 items: indexed through the feed in {} ms (4 batches with NRT refresh), rebuilt from the "
                    + "store in {} ms (activation + rebuild)", feedMs, rebuildMs);
            LOG.info("recommend n=10, 3 sources x 200 candidates, scorer on up to 300 (fake, in-process), "
                    + "{} runs: p50 {} us, p95 {} us, max {} us", runs, micros[runs / 2], micros[runs * 95 / 100],
                    micros[runs - 1]);
        }
    }
}
