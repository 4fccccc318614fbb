package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

class TextCandidateSourceTest {

    @TempDir
    Path dir;
    private Fixture fx;
    private TextCandidateSource text;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture(dir, 200);
        text = fx.text();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Map<String, IndexedItem> items(List<Candidate> cs) {
        return fx.index.lookup(cs.stream().map(Candidate::itemId).toList());
    }

    @Test
    void bm25FindsItemsOfTheMatchingCategory() {
        List<Candidate> cs = text.candidates(new CandidateQuery(null, "wireless headphones", 10, null));
        assertEquals(10, cs.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), cs.stream().map(Candidate::rank).toList());
        assertTrue(cs.stream().allMatch(c -> c.source().equals("text")));
        for (int i = 1; i < cs.size(); i++) {
            assertTrue(cs.get(i - 1).score() >= cs.get(i).score(), "scores descend");
        }
        IndexedItem best = items(cs).get(cs.get(0).itemId());
        assertTrue(best.title().contains("wireless") || best.title().contains("headphones"), best.title());
        assertTrue(items(cs).values().stream().allMatch(i -> i.category().equals("Electronics > Audio")));
    }

    @Test
    void categoryWordsMatchThroughTheCategoryField() {
        List<Candidate> cs = text.candidates(new CandidateQuery(null, "garden", 50, null));
        assertFalse(cs.isEmpty());
        assertTrue(items(cs).values().stream().allMatch(i -> i.category().startsWith("Garden")));
    }

    @Test
    void filtersApplyInTheQuery() {
        List<Candidate> all = text.candidates(new CandidateQuery(null, "kettle", 200,
                new ItemFilter(null, Set.of(), false, false)));
        assertFalse(all.isEmpty());
        String excluded = all.get(0).itemId();
        List<Candidate> filtered = text.candidates(new CandidateQuery(null, "kettle", 200,
                new ItemFilter("Kitchen", Set.of(excluded), true, false)));
        assertFalse(filtered.isEmpty());
        assertTrue(filtered.stream().noneMatch(c -> c.itemId().equals(excluded)));
        assertTrue(items(filtered).values().stream().allMatch(IndexedItem::available));
        assertTrue(text.candidates(new CandidateQuery(null, "kettle", 10,
                new ItemFilter("Books", Set.of(), true, false))).isEmpty(), "no kettle is a book");
    }

    @Test
    void historyQueryProposesItemsOfTheUsersCategoryFirst() {
        // The user looked at and bought garden tools; no query text.
        for (int i = 2; i < 40; i += 5) {
            fx.event(EventType.VIEW, "u1", Catalogue.id(i), Fixture.T0.minus(Duration.ofHours(i)));
        }
        fx.event(EventType.PURCHASE, "u1", Catalogue.id(12), Fixture.T0);
        List<Candidate> cs = text.candidates(new CandidateQuery("u1", null, 20, null));
        assertEquals(20, cs.size());
        Map<String, IndexedItem> found = items(cs);
        assertTrue(found.values().stream().allMatch(i -> i.category().equals("Garden > Tools")),
                () -> found.values().toString());
        for (int i = 2; i < 40; i += 5) {
            assertFalse(found.containsKey(Catalogue.id(i)), "seen items are not proposed again");
        }
        assertTrue(text.candidates(new CandidateQuery("nobody", null, 20, null)).isEmpty());
        assertTrue(text.candidates(new CandidateQuery(null, null, 20, null)).isEmpty());
    }

    @Test
    void excludePurchasedLeavesOutWhatTheUserBought() {
        List<Candidate> before = text.candidates(new CandidateQuery("u2", "skillet", 5, null));
        String bought = before.get(0).itemId();
        fx.event(EventType.PURCHASE, "u2", bought, Fixture.T0);
        List<Candidate> kept = text.candidates(new CandidateQuery("u2", "skillet", 5, null));
        assertEquals(bought, kept.get(0).itemId(), "buying again stays possible unless asked otherwise");
        List<Candidate> excluded = text.candidates(new CandidateQuery("u2", "skillet", 5,
                new ItemFilter(null, Set.of(), true, true)));
        assertTrue(excluded.stream().noneMatch(c -> c.itemId().equals(bought)));
        assertEquals(before.get(1).itemId(), excluded.get(0).itemId());
    }
}
