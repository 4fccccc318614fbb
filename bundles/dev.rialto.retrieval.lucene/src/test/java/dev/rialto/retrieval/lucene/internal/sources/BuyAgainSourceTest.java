package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class BuyAgainSourceTest {

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(Candidate::itemId).toList();
    }

    private BuyAgainCandidateSource source() {
        BuyAgainCandidateSource s = new BuyAgainCandidateSource(fx.index, fx.eventRepo);
        s.activate(fx.config);
        return s;
    }

    @Test
    void theUsersOwnItemsComeHeaviestFirstAndRespectTheFilter() throws Exception {
        fx = new Fixture(dir, 50);
        String often = Catalogue.id(1);
        String once = Catalogue.id(2);
        String viewed = Catalogue.id(3);
        String old = Catalogue.id(4);
        for (int i = 0; i < 3; i++) {
            fx.event(EventType.PURCHASE, "me", often, Fixture.T0.minus(Duration.ofDays(i * 7L)));
        }
        fx.event(EventType.PURCHASE, "me", once, Fixture.T0.minus(Duration.ofDays(1)));
        fx.event(EventType.VIEW, "me", viewed, Fixture.T0);
        // Bought once a year ago: the half-life shrinks it below a view of today.
        fx.event(EventType.PURCHASE, "me", old, Fixture.T0.minus(Duration.ofDays(365)));
        fx.event(EventType.PURCHASE, "someone", Catalogue.id(5), Fixture.T0);

        BuyAgainCandidateSource source = source();
        List<Candidate> cs = source.candidates(new CandidateQuery("me", null, 10, null));
        assertEquals(List.of(often, once, viewed, old), ids(cs));
        assertEquals("buy-again", cs.get(0).source());
        assertEquals(1, cs.get(0).rank());
        assertTrue(cs.get(0).score() > cs.get(1).score());
        assertEquals(List.of(often, once), ids(source.candidates(new CandidateQuery("me", null, 2, null))));

        // excludePurchased leaves only what the user did not buy; an excluded id is left out.
        assertEquals(List.of(viewed), ids(source.candidates(new CandidateQuery("me", null, 10,
                new ItemFilter(null, Set.of(), false, true)))));
        assertEquals(List.of(often, viewed, old), ids(source.candidates(new CandidateQuery("me", null, 10,
                new ItemFilter(null, Set.of(once), false, false)))));
        // Nothing for strangers, anonymous requests or text queries.
        assertEquals(List.of(), source.candidates(new CandidateQuery("nobody", null, 10, null)));
        assertEquals(List.of(), source.candidates(new CandidateQuery(null, null, 10, null)));
        assertEquals(List.of(), source.candidates(new CandidateQuery("me", "mug", 10, null)));
    }

    @Test
    void theLookbackBoundsHowFarBackItReads() throws Exception {
        fx = new Fixture(dir, 50, TestConfig.defaults().set("purchases.lookback", 2));
        fx.event(EventType.PURCHASE, "me", Catalogue.id(1), Fixture.T0.minus(Duration.ofDays(3)));
        fx.event(EventType.PURCHASE, "me", Catalogue.id(2), Fixture.T0.minus(Duration.ofDays(2)));
        fx.event(EventType.PURCHASE, "me", Catalogue.id(3), Fixture.T0.minus(Duration.ofDays(1)));
        assertEquals(Set.of(Catalogue.id(2), Catalogue.id(3)),
                Set.copyOf(ids(source().candidates(new CandidateQuery("me", null, 10, null)))));
    }
}
