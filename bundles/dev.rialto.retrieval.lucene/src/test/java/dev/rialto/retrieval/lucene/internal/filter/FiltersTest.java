package dev.rialto.retrieval.lucene.internal.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;
import dev.rialto.retrieval.lucene.internal.sources.CoVisitationCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.NewArrivalsCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularInCategorySource;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TrendingCandidateSource;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeEmbedder;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/** Brand and price filters, in every source of the bundle and in the recommender. */
class FiltersTest {

    private static final String[] BRANDS = {"Acme", "Globex", "Initech"};

    @TempDir
    Path dir;
    private Fixture fx;

    /** The generated catalogue with a brand per item: the record field for even items, the attribute for odd. */
    static List<Item> catalogue(int n) {
        List<Item> out = new ArrayList<>();
        for (Item i : Catalogue.generate(n)) {
            int k = Integer.parseInt(i.id().substring(5));
            String brand = BRANDS[k % BRANDS.length];
            if (k % 2 == 0) {
                out.add(new Item(i.id(), i.title(), i.description(), i.category(), i.price(), i.currency(),
                        i.available(), i.language(), i.attributes(), brand));
            } else {
                // As a store that does not persist the field yet hands it over: only as the attribute.
                out.add(new Item(i.id(), i.title(), i.description(), i.category(), i.price(), i.currency(),
                        i.available(), i.language(), Map.of("brand", brand.toUpperCase()), null));
            }
        }
        return out;
    }

    static String brandOf(String id) {
        return BRANDS[Integer.parseInt(id.substring(5)) % BRANDS.length];
    }

    /** Catalogue prices are 5 + i. */
    static double priceOf(String id) {
        return 5 + Integer.parseInt(id.substring(5));
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture(dir, catalogue(300), TestConfig.defaults(), new FakeEmbedder("fake-en", 64, "en"));
        assertTrue(fx.index.awaitVectors(30_000));
        for (int i = 0; i < 120; i++) {
            for (int v = 0; v < 1 + i % 7; v++) {
                fx.event(EventType.VIEW, "crowd" + v, Catalogue.id(i), Fixture.T0.minus(Duration.ofHours(1 + i % 5)));
            }
        }
        for (int i = 1; i < 40; i += 3) {
            fx.event(EventType.PURCHASE, "me", Catalogue.id(i), Fixture.T0.minus(Duration.ofMinutes(i)));
        }
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static final ItemFilter ACME_10_TO_100 = new ItemFilter(null, Set.of(), true, false, Set.of("acme"),
            new BigDecimal("10"), new BigDecimal("100"));

    private void assertPasses(List<Candidate> found, ItemFilter filter, String source) {
        assertFalse(found.isEmpty(), source + " found nothing");
        for (Candidate c : found) {
            assertEquals("Acme", brandOf(c.itemId()), source + ": " + c.itemId() + " is not an Acme item");
            double price = priceOf(c.itemId());
            assertTrue(price >= 10 && price <= 100, source + ": " + c.itemId() + " costs " + price);
            assertTrue(Catalogue.available(Integer.parseInt(c.itemId().substring(5))), source + ": unavailable");
        }
    }

    @Test
    void indexKeepsBrandFromTheRecordOrTheAttribute() {
        Map<String, IndexedItem> items = fx.index.lookup(List.of(Catalogue.id(2), Catalogue.id(9)));
        assertEquals("Initech", items.get(Catalogue.id(2)).brand());
        assertEquals("ACME", items.get(Catalogue.id(9)).brand(), "the attribute, as given");
        assertTrue(items.get(Catalogue.id(9)).passes(ACME_10_TO_100), "brand compared ignoring case");
        assertFalse(items.get(Catalogue.id(2)).passes(ACME_10_TO_100));
    }

    @Test
    void everySourceHonoursBrandAndPrice() throws Exception {
        Map<String, CandidateSource> sources = new HashMap<>();
        sources.put("text", fx.text());
        sources.put("semantic", fx.semantic());
        sources.put("popular", fx.popular());
        sources.put("popular-in-category", fx.popularInCategory());
        sources.put("trending", fx.trending());
        sources.put("new-arrivals", fx.newArrivals());
        for (Map.Entry<String, CandidateSource> e : sources.entrySet()) {
            String text = e.getKey().equals("text") || e.getKey().equals("semantic") ? "premium" : null;
            String user = text == null ? "crowd0" : null;
            List<Candidate> found = e.getValue().candidates(new CandidateQuery(user, text, 50, ACME_10_TO_100));
            assertPasses(found, ACME_10_TO_100, e.getKey());
        }
    }

    @Test
    void coVisitationHonoursBrandAndPrice() throws Exception {
        CoVisitationCandidateSource covisit = fx.coVisitation();
        List<Candidate> found = covisit.candidates(new CandidateQuery("crowd6", null, 50, ACME_10_TO_100));
        assertPasses(found, ACME_10_TO_100, "co-visitation");
    }

    @Test
    void openRangesAndSeveralBrands() throws Exception {
        ItemFilter cheapGlobexOrInitech = new ItemFilter(null, Set.of(), false, false, Set.of("Globex", "INITECH"),
                null, new BigDecimal("20"));
        List<Candidate> found = fx.newArrivals().candidates(new CandidateQuery(null, null, 300, cheapGlobexOrInitech));
        // Items 0..15 cost 5..20; of those, brands Globex (k%3==1) and Initech (k%3==2).
        long expected = java.util.stream.IntStream.rangeClosed(0, 15).filter(k -> k % 3 != 0).count();
        assertEquals(expected, found.size());
        ItemFilter expensive = new ItemFilter(null, Set.of(), false, false, null, new BigDecimal("300"), null);
        List<Candidate> top = fx.newArrivals().candidates(new CandidateQuery(null, null, 300, expensive));
        assertEquals(5, top.size(), "items 295..299 cost 300..304");
    }

    @Test
    void recommenderAppliesFiltersWithPurchaseExclusion() throws Exception {
        LuceneRecommender recommender = new LuceneRecommender(fx.index, fx.eventRepo);
        recommender.activate(fx.config);
        recommender.addSource(fx.popular(), Map.of(ServiceProperties.PROVIDER, PopularCandidateSource.NAME));
        recommender.addSource(fx.text(), Map.of(ServiceProperties.PROVIDER, TextCandidateSource.NAME));
        recommender.addSource(fx.semantic(), Map.of(ServiceProperties.PROVIDER, SemanticCandidateSource.NAME));
        // A sloppy plug-in that ignores the filter: the recommender still filters.
        recommender.addSource(new CandidateSource() {
            @Override
            public String name() {
                return "sloppy";
            }

            @Override
            public List<Candidate> candidates(CandidateQuery query) {
                List<Candidate> all = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    all.add(new Candidate(Catalogue.id(i), "sloppy", i + 1, 1));
                }
                return all;
            }
        }, Map.of(ServiceProperties.PROVIDER, "sloppy"));
        ItemFilter filter = ACME_10_TO_100.withExcludePurchased(true);
        Recommendation r = recommender.recommend(new RecommendationRequest("me", 100, filter));
        assertFalse(r.items().isEmpty());
        Set<String> bought = new java.util.HashSet<>();
        for (int i = 1; i < 40; i += 3) {
            bought.add(Catalogue.id(i));
        }
        for (RecommendedItem item : r.items()) {
            assertEquals("Acme", brandOf(item.itemId()), item.itemId());
            assertTrue(priceOf(item.itemId()) >= 10 && priceOf(item.itemId()) <= 100, item.itemId());
            assertFalse(bought.contains(item.itemId()), "bought " + item.itemId());
        }
        // Acme items in 10..100 not bought: every one of them is reachable through the sloppy source's 0..99.
        assertTrue(r.items().stream().anyMatch(i -> i.itemId().equals(Catalogue.id(6))));
        assertFalse(r.items().stream().anyMatch(i -> i.itemId().equals(Catalogue.id(3))), "3 costs 8");
    }
}
