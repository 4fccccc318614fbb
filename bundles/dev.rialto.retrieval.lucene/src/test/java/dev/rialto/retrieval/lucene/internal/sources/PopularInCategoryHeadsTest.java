package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;

/**
 * Popular-in-category keeps each category's first passing items for every user: the answer must be what a walk
 * down the category's popularity list gives, with the user's purchases left out (also when they are more than the
 * kept margin) and after an item change.
 */
class PopularInCategoryHeadsTest {

    private static final int ITEMS = 1000;

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Sports items (category 4) get views decreasing with their index: item 4 most popular, then 9, 14... */
    private void sportsViews() {
        int viewer = 0;
        for (int i = 4; i < ITEMS; i += 5) {
            int views = 1 + (ITEMS - i) / 50;
            for (int v = 0; v < views; v++) {
                fx.event(EventType.VIEW, "v" + viewer++, Catalogue.id(i), Fixture.T0.minusSeconds(3600));
            }
        }
    }

    /** What the source must answer: the category's items by popularity, available, not bought, first n. */
    private List<String> expected(int n, Set<String> bought) throws Exception {
        List<String> out = new ArrayList<>();
        for (String id : fx.counters().ranking().ids()) {
            int i = Integer.parseInt(id.substring(5));
            if (Catalogue.category(i) == 4 && Catalogue.available(i) && !bought.contains(id) && out.size() < n) {
                out.add(id);
            }
        }
        return out;
    }

    private static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(Candidate::itemId).toList();
    }

    @Test
    void purchasesBeyondTheKeptMarginAreLeftOutExactly() throws Exception {
        fx = new Fixture(dir, ITEMS);
        sportsViews();
        // The buyer bought the 80 most popular sports items: more than the margin kept past n.
        Set<String> bought = new HashSet<>();
        List<String> ranking = expected(ITEMS, Set.of());
        for (int k = 0; k < PopularInCategorySource.HEAD_MARGIN + 16; k++) {
            bought.add(ranking.get(k));
            fx.event(EventType.PURCHASE, "buyer", ranking.get(k), Fixture.T0.plusSeconds(k));
        }
        fx.event(EventType.VIEW, "other", Catalogue.id(9), Fixture.T0);
        PopularInCategorySource source = fx.popularInCategory();
        ItemFilter excluding = new ItemFilter(null, Set.of(), true, true);

        // The other user fills the kept head; the buyer then reads it and falls back past it.
        assertEquals(expected(10, Set.of()), ids(source.candidates(new CandidateQuery("other", null, 10, null))));
        List<String> buyer = ids(source.candidates(new CandidateQuery("buyer", null, 10, excluding)));
        assertEquals(expected(10, bought), buyer);
        assertTrue(buyer.stream().noneMatch(bought::contains));
        // Without the exclusion, the buyer gets the kept head as is.
        assertEquals(expected(10, Set.of()), ids(source.candidates(new CandidateQuery("buyer", null, 10, null))));
        // A few purchases within the margin.
        fx.event(EventType.PURCHASE, "few", ranking.get(0), Fixture.T0);
        fx.event(EventType.PURCHASE, "few", ranking.get(2), Fixture.T0);
        assertEquals(expected(10, Set.of(ranking.get(0), ranking.get(2))),
                ids(source.candidates(new CandidateQuery("few", null, 10, excluding))));
        // As the recommender asks: each user's purchases as the filter's excluded ids. Same answers, one kept head
        // for the category (it was one per user while the head was keyed by the whole filter).
        assertEquals(expected(10, bought), ids(source.candidates(new CandidateQuery("buyer", null, 10,
                new ItemFilter(null, bought, true, false)))));
        Set<String> few = Set.of(ranking.get(0), ranking.get(2));
        assertEquals(expected(10, few), ids(source.candidates(new CandidateQuery("few", null, 10,
                new ItemFilter(null, few, true, false)))));
        assertEquals(1, source.keptHeads());
    }

    @Test
    void popularAndTrendingHeadsAnswerAsAWalkOfTheRanking() throws Exception {
        fx = new Fixture(dir, ITEMS);
        sportsViews();
        List<String> ranking = expected(ITEMS, Set.of());
        for (int k = 0; k < RankingHeads.MARGIN + 16; k++) {
            fx.event(EventType.PURCHASE, "buyer", ranking.get(k), Fixture.T0.plusSeconds(k));
        }
        fx.event(EventType.PURCHASE, "few", ranking.get(1), Fixture.T0);
        PopularCandidateSource popular = fx.popular();
        TrendingCandidateSource trending = fx.trending();
        ItemFilter excluding = new ItemFilter(null, Set.of(), true, true);
        int lookback = fx.config.purchases_lookback();
        for (int round = 0; round < 2; round++) {
            for (String user : List.of("other", "buyer", "few")) {
                for (ItemFilter filter : java.util.Arrays.asList(null, excluding)) {
                    CandidateQuery q = new CandidateQuery(user, null, 10, filter);
                    assertEquals(PopularCandidateSource.fromRanking("popular", fx.counters().ranking(), fx.index,
                            fx.eventRepo, lookback, q), popular.candidates(q), user + " " + filter);
                    assertEquals(PopularCandidateSource.fromRanking("trending", fx.counters().trending(), fx.index,
                            fx.eventRepo, lookback, q), trending.candidates(q), user + " " + filter);
                }
            }
            // The most popular item becomes unavailable: the kept heads are not served after the change.
            String top = popular.candidates(new CandidateQuery("other", null, 1, null)).get(0).itemId();
            Item item = fx.itemRepo.find(top).orElseThrow();
            Item unavailable = new Item(item.id(), item.title(), item.description(), item.category(), item.price(),
                    item.currency(), false, item.language(), item.attributes());
            fx.itemRepo.upsert(List.of(unavailable));
            fx.index.itemsStored(List.of(unavailable));
            assertFalse(ids(popular.candidates(new CandidateQuery("other", null, 10, null))).contains(top));
        }
    }

    @Test
    void anItemChangeIsSeenAtOnce() throws Exception {
        fx = new Fixture(dir, ITEMS);
        sportsViews();
        fx.event(EventType.VIEW, "runner", Catalogue.id(9), Fixture.T0);
        PopularInCategorySource source = fx.popularInCategory();
        List<String> before = ids(source.candidates(new CandidateQuery("runner", null, 10, null)));
        assertEquals(expected(10, Set.of()), before);

        Item top = fx.itemRepo.find(before.get(0)).orElseThrow();
        Item unavailable = new Item(top.id(), top.title(), top.description(), top.category(), top.price(),
                top.currency(), false, top.language(), top.attributes());
        fx.itemRepo.upsert(List.of(unavailable));
        fx.index.itemsStored(List.of(unavailable));
        List<String> after = ids(source.candidates(new CandidateQuery("runner", null, 10, null)));
        assertFalse(after.contains(top.id()), "the item that became unavailable is gone");
        assertEquals(before.subList(1, 10), after.subList(0, 9));
    }

    private void move(String id, String category) {
        Item item = fx.itemRepo.find(id).orElseThrow();
        Item moved = new Item(item.id(), item.title(), item.description(), category, item.price(), item.currency(),
                item.available(), item.language(), item.attributes());
        fx.itemRepo.upsert(List.of(moved));
        fx.index.itemsStored(List.of(moved));
    }

    @Test
    void anItemLeavingTheCategoryIsGoneAtOnceAndOneJoiningItIsListedAfterTheWarmUp() throws Exception {
        fx = new Fixture(dir, ITEMS);
        sportsViews();
        String book = Catalogue.id(10); // Books, and more viewed than any sports item
        for (int v = 0; v < 100; v++) {
            fx.event(EventType.VIEW, "reader" + v, book, Fixture.T0.minusSeconds(60));
        }
        fx.event(EventType.VIEW, "runner", Catalogue.id(9), Fixture.T0);
        PopularInCategorySource source = fx.popularInCategory();
        CandidateQuery runner = new CandidateQuery("runner", null, 10, null);
        List<String> before = ids(source.candidates(runner));
        assertEquals(expected(10, Set.of()), before);
        assertFalse(before.contains(book));
        assertTrue(fx.index.awaitWarm(10_000));

        // The second sports item (the first is the runner's own, which keeps the runner in Sports) leaves for
        // Books; the book joins Sports.
        String leaving = before.get(1);
        move(leaving, Catalogue.CATEGORIES[0]);
        move(book, Catalogue.CATEGORIES[4]);
        // Whether or not the warm-up has rebuilt the category lists yet, the item that left is not listed.
        assertFalse(ids(source.candidates(runner)).contains(leaving));
        assertTrue(fx.index.awaitWarm(10_000));
        List<String> after = ids(source.candidates(runner));
        assertEquals(book, after.get(0), "listed once the warm-up rebuilt the lists");
        assertFalse(after.contains(leaving));
        List<String> rest = new ArrayList<>(before);
        rest.remove(leaving);
        assertEquals(rest.subList(0, 9), after.subList(1, 10));
    }
}
