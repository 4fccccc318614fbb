package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

class PopularitySourcesTest {

    @TempDir
    Path dir;
    private Fixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture(dir, 200);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(Candidate::itemId).toList();
    }

    private void views(String item, int n, Duration ago) {
        for (int i = 0; i < n; i++) {
            fx.event(EventType.VIEW, "v" + i, item, Fixture.T0.minus(ago));
        }
    }

    @Test
    void ranksByDecayedWeightedCounts() throws Exception {
        String a = Catalogue.id(1);
        String b = Catalogue.id(2);
        String c = Catalogue.id(3);
        views(a, 3, Duration.ZERO);             // 3
        views(b, 10, Duration.ofDays(28));      // 10 * 2^-4 = 0.625
        fx.event(EventType.PURCHASE, "p", c, Fixture.T0.minus(Duration.ofDays(7))); // 5 * 2^-1 = 2.5
        fx.event(EventType.SEARCH, "s", null, Fixture.T0); // not weighted, no item

        List<Candidate> cs = fx.popular().candidates(new CandidateQuery(null, null, 10, null));
        assertEquals(List.of(a, c, b), ids(cs));
        assertEquals(3.0, cs.get(0).score(), 1e-9);
        assertEquals(2.5, cs.get(1).score(), 1e-9);
        assertEquals(0.625, cs.get(2).score(), 1e-9);
        assertEquals(List.of(1, 2, 3), cs.stream().map(Candidate::rank).toList());
    }

    @Test
    void feedUpdatesTheRankingAndFiltersApply() throws Exception {
        views(Catalogue.id(1), 2, Duration.ZERO);
        views(Catalogue.id(6), 1, Duration.ZERO);
        views(Catalogue.id(34), 5, Duration.ZERO);  // unavailable
        PopularCandidateSource popular = fx.popular();
        assertEquals(List.of(Catalogue.id(1), Catalogue.id(6)),
                ids(popular.candidates(new CandidateQuery(null, null, 10, null))));
        assertEquals(List.of(Catalogue.id(34), Catalogue.id(1), Catalogue.id(6)), ids(popular.candidates(
                new CandidateQuery(null, null, 10, new ItemFilter(null, Set.of(), false, false)))));

        // Later events arrive through the listener whiteboard.
        Event e1 = new Event("n1", EventType.ADD_TO_CART, "x", Catalogue.id(6), 1, Fixture.T0.plusSeconds(60));
        Event e2 = new Event("n2", EventType.VIEW, "x", Catalogue.id(4), 1, Fixture.T0.plusSeconds(60));
        fx.counters().eventsStored(List.of(e1, e2));
        assertEquals(List.of(Catalogue.id(6), Catalogue.id(1), Catalogue.id(4)),
                ids(popular.candidates(new CandidateQuery(null, null, 10, null))));

        assertEquals(List.of(Catalogue.id(6), Catalogue.id(1)), ids(popular.candidates(
                new CandidateQuery(null, null, 10, new ItemFilter("Electronics", Set.of(), true, false)))));
        assertEquals(List.of(Catalogue.id(1), Catalogue.id(4)), ids(popular.candidates(
                new CandidateQuery(null, null, 10, new ItemFilter(null, Set.of(Catalogue.id(6)), true, false)))));
        assertEquals(List.of(Catalogue.id(6)), ids(popular.candidates(new CandidateQuery(null, null, 1, null))));
    }

    @Test
    void excludePurchasedUsesTheUsersHistory() throws Exception {
        views(Catalogue.id(1), 4, Duration.ZERO);
        views(Catalogue.id(6), 2, Duration.ZERO);
        fx.event(EventType.PURCHASE, "buyer", Catalogue.id(1), Fixture.T0);
        PopularCandidateSource popular = fx.popular();
        assertEquals(Catalogue.id(1), popular.candidates(new CandidateQuery("buyer", null, 10, null)).get(0).itemId());
        assertEquals(List.of(Catalogue.id(6)), ids(popular.candidates(
                new CandidateQuery("buyer", null, 10, new ItemFilter(null, Set.of(), true, true)))));
    }

    @Test
    void popularInCategoryKeepsToTheUsersTopCategories() throws Exception {
        // Popular everywhere: electronics dominate.
        for (int i = 0; i < 50; i += 5) {
            views(Catalogue.id(i + 1), 10, Duration.ofDays(1));   // electronics, heavy
        }
        for (int i = 0; i < 50; i += 5) {
            views(Catalogue.id(i + 4), 2, Duration.ofDays(1));    // sports, light
        }
        // The user engaged with sports only.
        fx.event(EventType.VIEW, "runner", Catalogue.id(9), Fixture.T0);
        fx.event(EventType.ADD_TO_CART, "runner", Catalogue.id(14), Fixture.T0);

        List<Candidate> everywhere = fx.popular().candidates(new CandidateQuery("runner", null, 5, null));
        assertTrue(fx.index.lookup(ids(everywhere)).values().stream()
                .allMatch(i -> i.category().startsWith("Electronics")));

        List<Candidate> cs = fx.popularInCategory().candidates(new CandidateQuery("runner", null, 5, null));
        assertEquals(5, cs.size());
        assertTrue(fx.index.lookup(ids(cs)).values().stream().allMatch(i -> i.category().startsWith("Sports")));
        assertEquals("popular-in-category", cs.get(0).source());
        assertTrue(fx.popularInCategory().candidates(new CandidateQuery(null, null, 5, null)).isEmpty());
        assertFalse(fx.popularInCategory().candidates(new CandidateQuery("runner", null, 50,
                new ItemFilter("Sports", Set.of(), true, false))).isEmpty());
    }
}
