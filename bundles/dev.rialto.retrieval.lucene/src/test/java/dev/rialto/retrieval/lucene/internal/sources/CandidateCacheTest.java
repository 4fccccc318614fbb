package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.EventType;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.FakeEmbedder;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/**
 * The personal sources' kept lists: served again only while the user's history, the index and the model are what
 * they were; after any change the answer equals that of a source without a cache.
 */
class CandidateCacheTest {

    private static final Instant T0 = Fixture.T0;

    @TempDir
    Path dir;
    private Fixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static CandidateQuery forUser(String user, int n) {
        return new CandidateQuery(user, null, n, ItemFilter.DEFAULT);
    }

    /** The same source's answer computed afresh (its twin with no cache). */
    private static List<Candidate> fresh(CandidateSource twin, CandidateQuery q) {
        return twin.candidates(q);
    }

    private Item changed(String id, boolean available) {
        Item old = fx.itemRepo.find(id).orElseThrow();
        Item item = new Item(old.id(), old.title(), old.description(), old.category(), old.price(), old.currency(),
                available, old.language(), old.attributes());
        fx.itemRepo.upsert(List.of(item));
        return item;
    }

    @Test
    void textListIsKeptUntilTheUsersHistoryOrAnItemChanges() throws Exception {
        fx = new Fixture(dir, 200);
        TextCandidateSource text = fx.text();
        TextCandidateSource twin = fx.text();
        twin.cache().capacity(0);
        fx.event(EventType.VIEW, "u1", Catalogue.id(1), T0);
        fx.event(EventType.VIEW, "u1", Catalogue.id(2), T0.plusSeconds(60));
        CandidateQuery q = forUser("u1", 20);

        List<Candidate> first = text.candidates(q);
        assertFalse(first.isEmpty());
        assertEquals(List.of(0L, 1L), List.of(text.cache().hits(), text.cache().misses()));
        assertEquals(first, text.candidates(q), "the kept list");
        assertEquals(1, text.cache().hits());

        // A new event of the user: their history differs, so the list is computed again.
        fx.event(EventType.PURCHASE, "u1", Catalogue.id(3), T0.plusSeconds(120));
        List<Candidate> afterEvent = text.candidates(q);
        assertEquals(1, text.cache().hits());
        assertEquals(fresh(twin, q), afterEvent);
        assertNotEquals(first, afterEvent, "the purchase's terms change the query");

        // An item of the list leaves the catalogue's available items through the change feed.
        String gone = afterEvent.get(0).itemId();
        fx.index.itemsStored(List.of(changed(gone, false)));
        List<Candidate> afterItem = text.candidates(q);
        assertEquals(1, text.cache().hits());
        assertTrue(afterItem.stream().noneMatch(c -> c.itemId().equals(gone)), "the unavailable item is gone");
        assertEquals(fresh(twin, q), afterItem);

        // Another quota or filter is another list.
        assertEquals(fresh(twin, forUser("u1", 5)), text.candidates(forUser("u1", 5)));
        assertEquals(1, text.cache().hits());
        assertEquals(afterItem, text.candidates(q));
        assertEquals(2, text.cache().hits());
    }

    @Test
    void writesDuringConcurrentRequestsNeverLeaveAStaleListServed() throws Exception {
        fx = new Fixture(dir, 200);
        TextCandidateSource text = fx.text();
        fx.event(EventType.VIEW, "u1", Catalogue.id(1), T0);
        CandidateQuery q = forUser("u1", 20);
        String toggled = text.candidates(q).get(0).itemId();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread r = new Thread(() -> {
                while (!stop.get()) {
                    text.candidates(q); // keeps putting lists while the writes happen
                }
            });
            r.start();
            readers.add(r);
        }
        try {
            for (int round = 0; round < 40; round++) {
                boolean available = round % 2 == 1;
                fx.index.itemsStored(List.of(changed(toggled, available)));
                // itemsStored returns once searches see the write: from now on no list may say otherwise.
                for (int check = 0; check < 3; check++) {
                    boolean listed = text.candidates(q).stream().anyMatch(c -> c.itemId().equals(toggled));
                    assertEquals(available, listed, "round " + round);
                }
            }
        } finally {
            stop.set(true);
            for (Thread r : readers) {
                r.join(10_000);
            }
        }
        assertTrue(text.cache().hits() > 0, "the readers were served kept lists between the writes");
    }

    @Test
    void purchasesLeftOutAreAnInput() throws Exception {
        fx = new Fixture(dir, 200);
        TextCandidateSource text = fx.text();
        fx.event(EventType.VIEW, "u1", Catalogue.id(1), T0);
        CandidateQuery keep = new CandidateQuery("u1", null, 30, new ItemFilter(null, Set.of(), true, true));
        List<Candidate> before = text.candidates(keep);
        String bought = before.get(0).itemId();
        // A purchase changes both the history and the exclusions: never the kept list.
        fx.event(EventType.PURCHASE, "u1", bought, T0.plusSeconds(10));
        List<Candidate> after = text.candidates(keep);
        assertEquals(0, text.cache().hits());
        assertTrue(after.stream().noneMatch(c -> c.itemId().equals(bought)));
    }

    @Test
    void semanticListIsKeptUntilAnItemIsWritten() throws Exception {
        fx = new Fixture(dir, Catalogue.generate(200), TestConfig.defaults(), new FakeEmbedder("fake-en", 64, "en"));
        assertTrue(fx.index.awaitVectors(30_000));
        SemanticCandidateSource semantic = fx.semantic();
        SemanticCandidateSource twin = fx.semantic();
        twin.cache().capacity(0);
        fx.event(EventType.VIEW, "u1", Catalogue.id(4), T0);
        fx.event(EventType.ADD_TO_CART, "u1", Catalogue.id(8), T0.plusSeconds(5));
        CandidateQuery q = forUser("u1", 15);
        List<Candidate> first = semantic.candidates(q);
        assertEquals(15, first.size());
        assertEquals(first, semantic.candidates(q));
        assertEquals(1, semantic.cache().hits());

        String gone = first.get(0).itemId();
        long epoch = fx.index.epoch();
        fx.index.itemsStored(List.of(changed(gone, false)));
        assertTrue(fx.index.awaitVectors(30_000), "the written item's vector follows");
        assertTrue(fx.index.epoch() > epoch, "an item write moves the index epoch once it is searchable");
        List<Candidate> after = semantic.candidates(q);
        assertEquals(1, semantic.cache().hits());
        assertTrue(after.stream().noneMatch(c -> c.itemId().equals(gone)));
        assertEquals(fresh(twin, q), after);
    }

    private static BehaviourVectors vectors(String version, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> items = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            items.put(Catalogue.id(i), gaussian(random, 8));
        }
        return new BehaviourVectors("behaviour-ials", version, 8, items, Map.of("trained", gaussian(random, 8)), 0.1,
                T0);
    }

    private static float[] gaussian(Random random, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void behaviourListIsKeptUntilANewPublicationAndDroppedWhenTheUserIsForgotten() throws Exception {
        fx = new Fixture(dir, 200);
        BehaviourCandidateSource behaviour = new BehaviourCandidateSource(fx.index, fx.eventRepo);
        behaviour.activate(fx.config);
        BehaviourCandidateSource twin = new BehaviourCandidateSource(fx.index, fx.eventRepo);
        twin.activate(fx.config);
        twin.cache().capacity(0);
        fx.index.publish(vectors("1", 1));
        CandidateQuery q = forUser("trained", 50);
        List<Candidate> first = behaviour.candidates(q);
        assertEquals(50, first.size());
        // A trained user's events do not change their vector (behaviour.exclude.seen is off): still kept.
        fx.event(EventType.VIEW, "trained", Catalogue.id(7), T0);
        assertEquals(first, behaviour.candidates(q));
        assertEquals(1, behaviour.cache().hits());

        fx.index.publish(vectors("2", 2));
        List<Candidate> second = behaviour.candidates(q);
        assertEquals(1, behaviour.cache().hits());
        assertEquals(fresh(twin, q), second);
        assertNotEquals(first, second, "new vectors, new list");

        // A user the trainer did not see is folded in from their history: a new event is a new list.
        fx.event(EventType.VIEW, "new", Catalogue.id(10), T0);
        List<Candidate> folded = behaviour.candidates(forUser("new", 20));
        fx.event(EventType.PURCHASE, "new", Catalogue.id(11), T0.plusSeconds(30));
        assertEquals(fresh(twin, forUser("new", 20)), behaviour.candidates(forUser("new", 20)));
        assertNotEquals(folded, behaviour.candidates(forUser("new", 20)));

        assertEquals(2, behaviour.cache().size());
        new ForgetUserListener(fx.counters(), fx.index).userDeleted(new UserData("trained", null, List.of(),
                List.of()));
        assertEquals(1, behaviour.cache().size(), "the forgotten user's list left memory");
    }

    @Test
    void keepsAtMostTheConfiguredUsers() throws Exception {
        fx = new Fixture(dir, 200, TestConfig.defaults().set("source.cache.users", 2));
        TextCandidateSource text = fx.text();
        for (int u = 0; u < 3; u++) {
            fx.event(EventType.VIEW, "u" + u, Catalogue.id(u * 3 + 1), T0);
            assertFalse(text.candidates(forUser("u" + u, 10)).isEmpty());
        }
        assertEquals(2, text.cache().size());
        text.candidates(forUser("u0", 10));
        assertEquals(0, text.cache().hits(), "the least recently used user was dropped");
        text.candidates(forUser("u2", 10));
        assertEquals(1, text.cache().hits());

        text.cache().capacity(0);
        assertEquals(0, text.cache().size());
        text.candidates(forUser("u2", 10));
        assertEquals(1, text.cache().hits(), "0 keeps nothing");
        assertThrows(IllegalArgumentException.class, () -> text.cache().capacity(-1));
    }

    @Test
    void anEntryIsServedOnlyForTheSameStampAndInputs() {
        CandidateCache cache = new CandidateCache("x", 10);
        List<Candidate> list = new ArrayList<>(List.of(new Candidate("a", "x", 1, 0.5), new Candidate("b", "x", 2,
                0.25)));
        UserInputs inputs = new UserInputs(Map.of("i1", 1.0), Set.of());
        CandidateCache.Stamp stamp = new CandidateCache.Stamp(3, "settings", null);
        cache.put("u", 2, ItemFilter.DEFAULT, stamp, inputs.copy(), list);
        assertEquals(list, cache.get("u", 2, ItemFilter.DEFAULT, stamp, inputs));
        assertNull(cache.get("u", 2, ItemFilter.DEFAULT, new CandidateCache.Stamp(4, "settings", null), inputs));
        assertNull(cache.get("u", 2, ItemFilter.DEFAULT, new CandidateCache.Stamp(3, "other", null), inputs));
        assertNull(cache.get("u", 2, ItemFilter.DEFAULT, stamp, new UserInputs(Map.of("i1", 2.0), Set.of())));
        assertNull(cache.get("u", 2, ItemFilter.DEFAULT, stamp, new UserInputs(Map.of("i1", 1.0), Set.of("z"))));
        assertNull(cache.get("u", 3, ItemFilter.DEFAULT, stamp, inputs));
        assertNull(cache.get("v", 2, ItemFilter.DEFAULT, stamp, inputs));
        list.clear();
        assertEquals(2, cache.get("u", 2, ItemFilter.DEFAULT, stamp, inputs).size(), "a copy is kept");
    }
}
