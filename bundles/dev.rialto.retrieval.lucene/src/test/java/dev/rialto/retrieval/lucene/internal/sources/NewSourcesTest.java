package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

class NewSourcesTest {

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

    private static CandidateQuery query(String user, int n, ItemFilter filter) {
        return new CandidateQuery(user, null, n, filter);
    }

    // ---- co-visitation -----------------------------------------------------------------------------------------

    @Test
    void coVisitationFindsWhatIsBoughtTogether() throws Exception {
        fx = new Fixture(dir, 200);
        String a = Catalogue.id(1);
        String b = Catalogue.id(2);
        String c = Catalogue.id(3);
        String d = Catalogue.id(4);
        for (int u = 0; u < 10; u++) {
            Instant at = Fixture.T0.minus(Duration.ofDays(u));
            fx.event(EventType.PURCHASE, "buyer" + u, a, at);
            fx.event(EventType.PURCHASE, "buyer" + u, b, at.plusSeconds(120));
        }
        // Viewed together less often: second.
        fx.event(EventType.VIEW, "browser", a, Fixture.T0);
        fx.event(EventType.VIEW, "browser", c, Fixture.T0.plusSeconds(60));
        // Outside the 30-minute session window: not a pair.
        fx.event(EventType.VIEW, "slow", a, Fixture.T0);
        fx.event(EventType.VIEW, "slow", d, Fixture.T0.plus(Duration.ofHours(2)));
        // The user looked at a only.
        fx.event(EventType.VIEW, "me", a, Fixture.T0.plus(Duration.ofDays(1)));

        CoVisitationCandidateSource source = fx.coVisitation();
        List<Candidate> cs = source.candidates(query("me", 10, null));
        assertEquals(List.of(b, c), ids(cs), "b bought with a, c viewed with a; a itself and d left out");
        assertEquals("co-visitation", cs.get(0).source());
        assertTrue(cs.get(0).score() > cs.get(1).score());
        assertEquals(Map.of(b, true, c, true), Map.of(b, fx.counters().coVisited(a).containsKey(b),
                c, fx.counters().coVisited(a).containsKey(c)));
        assertFalse(fx.counters().coVisited(a).containsKey(d));
        // And the other way round.
        fx.event(EventType.VIEW, "other", b, Fixture.T0.plus(Duration.ofDays(1)));
        assertEquals(a, source.candidates(query("other", 10, null)).get(0).itemId());

        // Filters hold.
        assertEquals(List.of(c), ids(source.candidates(query("me", 10, new ItemFilter(null, Set.of(b), true, false)))));
        assertEquals(List.of(), ids(source.candidates(query("me", 10, new ItemFilter("Sports", Set.of(), true,
                false)))));
        assertEquals(List.of(), source.candidates(query(null, 10, null)));
        assertEquals(List.of(), source.candidates(query("nobody", 10, null)));
        // excludePurchased: buyer0 bought a and b; seeds a and b, neighbours of each other are purchases.
        assertFalse(ids(source.candidates(query("buyer0", 10, new ItemFilter(null, Set.of(), true, true))))
                .contains(b));
    }

    @Test
    void coVisitationFollowsTheFeedAndBoundsNeighbours() throws Exception {
        fx = new Fixture(dir, 200, TestConfig.defaults().set("covisit.neighbours", 5));
        String hub = Catalogue.id(1);
        fx.event(EventType.VIEW, "seed", hub, Fixture.T0);
        CoVisitationCandidateSource source = fx.coVisitation();
        assertTrue(source.candidates(query("seed", 10, null)).isEmpty());

        // Users view the hub and one other item: partner i by i % 8 + 1 users. The heaviest partners come first:
        // pruning to the top neighbours is approximate, and a partner still gathering counts may be dropped.
        int id = 0;
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = 7; i < 40; i += 8) {
            order.add(i);
        }
        for (int i = 0; i < 40; i++) {
            if (i % 8 != 7) {
                order.add(i);
            }
        }
        for (int i : order) {
            for (int u = 0; u <= i % 8; u++) {
                Instant at = Fixture.T0.plusSeconds(60L * id);
                String user = "u" + i + "-" + u;
                fx.counters().eventsStored(List.of(
                        new Event("f" + id++, EventType.VIEW, user, hub, 1, at),
                        new Event("f" + id++, EventType.VIEW, user, Catalogue.id(10 + i), 1, at.plusSeconds(30))));
            }
        }
        Map<String, Double> neighbours = fx.counters().coVisited(hub);
        assertEquals(5, neighbours.size(), "neighbours are bounded by covisit.neighbours");
        List<Candidate> cs = source.candidates(query("seed", 10, new ItemFilter(null, Set.of(), false, false)));
        assertEquals(5, cs.size());
        // The kept ones are among the partners seen 8 times (i % 8 == 7).
        for (Candidate c : cs) {
            int i = Integer.parseInt(c.itemId().substring(5)) - 10;
            assertEquals(7, i % 8, c.itemId());
        }

        // Asked again with nothing new: the same answer (kept, not ranked again). A new pair is seen at once.
        assertTrue(neighbours == fx.counters().coVisited(hub), "kept while nothing changed");
        Instant at = Fixture.T0.plusSeconds(60L * id);
        List<Event> burst = new java.util.ArrayList<>();
        for (int u = 0; u < 20; u++) {
            burst.add(new Event("g" + u, EventType.PURCHASE, "burst" + u, hub, 1, at));
            burst.add(new Event("h" + u, EventType.PURCHASE, "burst" + u, Catalogue.id(100), 1, at.plusSeconds(5)));
        }
        fx.counters().eventsStored(burst);
        Map<String, Double> after = fx.counters().coVisited(hub);
        assertEquals(Catalogue.id(100), after.keySet().iterator().next(), "the new heaviest partner leads");
        assertFalse(neighbours.containsKey(Catalogue.id(100)));
    }

    @Test
    void invalidCoVisitationConfigNamesTheProperty() throws Exception {
        fx = new Fixture(dir, 10);
        var config = TestConfig.defaults().set("index.dir", dir.toString()).set("covisit.session.minutes", 0).build();
        PopularityCounters counters = new PopularityCounters(fx.eventRepo);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> counters.activate(config));
        assertTrue(e.getMessage().contains("covisit.session.minutes"), e.getMessage());
        var trending = TestConfig.defaults().set("index.dir", dir.toString()).set("trending.baseline.days", 2.0)
                .build();
        e = assertThrows(IllegalArgumentException.class, () -> counters.activate(trending));
        assertTrue(e.getMessage().contains("trending.baseline.days"), e.getMessage());
    }

    // ---- trending ----------------------------------------------------------------------------------------------

    @Test
    void trendingFindsTheSpikeNotTheSteadySeller() throws Exception {
        fx = new Fixture(dir, 200);
        String steady = Catalogue.id(1);
        String spike = Catalogue.id(2);
        String tiny = Catalogue.id(3);
        String fading = Catalogue.id(4);
        for (int day = 0; day < 60; day++) {
            for (int v = 0; v < 3; v++) {
                fx.event(EventType.VIEW, "s" + v, steady, Fixture.T0.minus(Duration.ofDays(day)));
            }
        }
        for (int v = 0; v < 20; v++) {
            fx.event(EventType.VIEW, "k" + v, spike, Fixture.T0.minus(Duration.ofHours(v)));
        }
        fx.event(EventType.VIEW, "t", tiny, Fixture.T0);
        for (int v = 0; v < 50; v++) {
            fx.event(EventType.VIEW, "f" + v, fading, Fixture.T0.minus(Duration.ofDays(40)));
        }

        assertEquals(steady, fx.popular().candidates(query(null, 1, null)).get(0).itemId(), "steady is popular");
        List<Candidate> cs = fx.trending().candidates(query(null, 10, null));
        assertEquals(List.of(spike, steady, tiny), ids(cs), "fading items do not trend; one view does not win");
        assertEquals("trending", cs.get(0).source());
        assertTrue(cs.get(0).score() > 3 && cs.get(1).score() < 1.5, cs.toString());

        assertEquals(List.of(steady, tiny), ids(fx.trending().candidates(query(null, 10,
                new ItemFilter(null, Set.of(spike), true, false)))));
        fx.event(EventType.PURCHASE, "buyer", spike, Fixture.T0);
        assertFalse(ids(fx.trending().candidates(query("buyer", 10, new ItemFilter(null, Set.of(), true, true))))
                .contains(spike));
    }

    // ---- new arrivals ------------------------------------------------------------------------------------------

    private static Item item(String id, String title, String category, boolean available) {
        return new Item(id, title, "", category, BigDecimal.TEN, "EUR", available, "en", Map.of());
    }

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void newArrivalsPutsNewlyIndexedItemsFirstAndKeepsFirstSeenOnUpdate() throws Exception {
        fx = new Fixture(dir, 200);
        Instant later = Instant.now().plus(Duration.ofDays(1));
        fx.index.clock(at(later));
        fx.index.itemsStored(List.of(item("new-garden", "solar lamp", "Garden > Lights", true)));
        fx.index.clock(at(later.plus(Duration.ofHours(1))));
        fx.index.itemsStored(List.of(item("new-book", "new saga", "Books > Fiction", true),
                item("new-gone", "sold out saga", "Books > Fiction", false)));
        long oldFirstSeen = fx.index.firstSeen(List.of(Catalogue.id(150))).get(Catalogue.id(150));

        // Updating an old item keeps its first-seen time: it does not become new.
        fx.index.clock(at(later.plus(Duration.ofHours(2))));
        Item old = fx.items.get(150);
        fx.index.itemsStored(List.of(item(old.id(), "renamed " + old.title(), old.category(), true)));
        assertEquals(oldFirstSeen, fx.index.firstSeen(List.of(old.id())).get(old.id()));

        NewArrivalsCandidateSource source = fx.newArrivals();
        List<Candidate> cs = source.candidates(query(null, 5, null));
        assertEquals(List.of("new-book", "new-garden"), ids(cs).subList(0, 2), "unavailable new item left out");
        assertEquals("new-arrivals", cs.get(0).source());
        assertEquals(later.plus(Duration.ofHours(1)).toEpochMilli(), cs.get(0).score(), 0);
        assertFalse(ids(cs).contains(old.id()));
        assertEquals(5, cs.size());

        assertEquals("new-garden", source.candidates(query(null, 5, new ItemFilter("Garden", Set.of(), true, false)))
                .get(0).itemId());
        assertEquals(List.of("new-book", "new-gone", "new-garden"), ids(source.candidates(query(null, 5,
                new ItemFilter(null, Set.of(), false, false)))).subList(0, 3), "same time: by id");

        // A gardener sees the garden arrival first, then the other new ones.
        fx.event(EventType.VIEW, "gardener", Catalogue.id(2), Fixture.T0);
        List<Candidate> mine = source.candidates(query("gardener", 300, null));
        assertEquals("new-garden", mine.get(0).itemId());
        assertTrue(ids(mine).contains("new-book"));
        assertEquals(ids(mine).size(), Set.copyOf(ids(mine)).size(), "no duplicates");
        assertEquals(List.of(1, 2, 3), mine.subList(0, 3).stream().map(Candidate::rank).toList());
    }

    @Test
    void firstSeenSurvivesWritesThatNoSearcherSawYet() throws Exception {
        fx = new Fixture(dir, 10);
        Instant t1 = Instant.now().plus(Duration.ofDays(1));
        fx.index.clock(at(t1));
        fx.index.write(List.of(item("fresh", "fresh thing", "Garden", true)));
        fx.index.clock(at(t1.plusSeconds(3600)));
        fx.index.write(List.of(item("fresh", "fresh thing v2", "Garden", true)));
        assertEquals(t1.toEpochMilli(), fx.index.firstSeen(List.of("fresh")).get("fresh"));
        fx.index.clock(at(t1.plusSeconds(7200)));
        fx.index.itemsStored(List.of(item("fresh", "fresh thing v3", "Garden", true)));
        assertEquals(t1.toEpochMilli(), fx.index.firstSeen(List.of("fresh")).get("fresh"));
        assertEquals(List.of("fresh"), ids(fx.newArrivals().candidates(query(null, 1,
                new ItemFilter(null, Set.of(), false, false)))));
    }

    @Test
    void newArrivalsFromKeptHeadsEqualAFreshWalkForEveryUser() throws Exception {
        fx = new Fixture(dir, 400);
        // New arrivals in every category, some unavailable, so the heads and the filters have something to cut.
        Instant later = Instant.now().plus(Duration.ofDays(1));
        for (int i = 0; i < 120; i++) {
            fx.index.clock(at(later.plus(Duration.ofMinutes(i))));
            String category = Catalogue.CATEGORIES[i % Catalogue.CATEGORIES.length];
            fx.index.itemsStored(List.of(item("new-" + i, "arrival " + i, category, i % 7 != 0)));
        }
        java.util.Random random = new java.util.Random(5);
        List<String> users = new java.util.ArrayList<>();
        for (int u = 0; u < 60; u++) {
            String user = "u" + u;
            users.add(user);
            // Few categories per user, so that many share top categories; purchases of new arrivals too.
            int home = random.nextInt(3);
            for (int e = 0; e < 1 + random.nextInt(6); e++) {
                int i = home + 3 * random.nextInt(40);
                fx.event(random.nextBoolean() ? EventType.VIEW : EventType.PURCHASE, user, Catalogue.id(i), Fixture.T0);
            }
            for (int e = 0; e < random.nextInt(80); e++) {
                fx.event(EventType.PURCHASE, user, "new-" + random.nextInt(120), Fixture.T0);
            }
        }
        NewArrivalsCandidateSource source = fx.newArrivals();
        List<ItemFilter> filters = List.of(ItemFilter.DEFAULT, ItemFilter.DEFAULT.withExcludePurchased(true),
                new ItemFilter("Garden", Set.of("new-2", "new-5"), true, true),
                new ItemFilter(null, Set.of("new-1"), false, false));
        for (int round = 0; round < 2; round++) { // the second round is served from kept heads
            for (String user : users) {
                for (ItemFilter filter : filters) {
                    for (int n : new int[] {5, 50, 200}) {
                        CandidateQuery q = query(user, n, filter);
                        assertEquals(source.walked(q), source.candidates(q), user + " " + filter + " n=" + n);
                    }
                }
            }
        }
        assertTrue(source.mergedAnswers.get() > users.size(), "most answers merged from the categories' runs: "
                + source.mergedAnswers.get());
        assertTrue(source.keptHeads() < users.size() * filters.size() * 3,
                "users with the same top categories share heads: " + source.keptHeads());
        // An item write (a new reader, new arrivals) starts the heads over.
        fx.index.clock(at(later.plus(Duration.ofDays(1))));
        fx.index.itemsStored(List.of(item("newest", "newest", Catalogue.CATEGORIES[0], true)));
        CandidateQuery q = query(users.get(0), 5, ItemFilter.DEFAULT);
        assertEquals(source.walked(q), source.candidates(q));
        assertTrue(ids(source.candidates(query(null, 5, ItemFilter.DEFAULT))).contains("newest"));
    }
}
