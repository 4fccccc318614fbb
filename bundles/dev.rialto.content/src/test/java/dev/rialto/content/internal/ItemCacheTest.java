package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemCacheTest {

    /** A store that counts the ids it was asked for and can run something in the middle of a read. */
    private static final class Store implements java.util.function.Function<Collection<String>, Map<String, Item>> {
        final Map<String, Item> items = new HashMap<>(Fixtures.CATALOGUE);
        final List<String> asked = new ArrayList<>();
        Runnable duringRead = () -> { };

        @Override
        public Map<String, Item> apply(Collection<String> ids) {
            asked.addAll(ids);
            Map<String, Item> out = new HashMap<>();
            ids.forEach(id -> {
                if (items.containsKey(id)) {
                    out.put(id, items.get(id));
                }
            });
            duringRead.run();
            return out;
        }
    }

    private static Item renamed(Item item, String title) {
        return new Item(item.id(), title, item.description(), item.category(), item.price(), item.currency(),
                item.available(), item.language(), item.attributes(), item.brand());
    }

    @Test
    void readsEachItemFromTheStoreOnceAndMissingOnesEveryTime() {
        Store store = new Store();
        ItemCache cache = new ItemCache(store, 10);
        assertEquals(Map.of(Fixtures.LAMP.id(), Fixtures.LAMP), cache.apply(List.of(Fixtures.LAMP.id(), "i-none")));
        assertEquals(Map.of(Fixtures.LAMP.id(), Fixtures.LAMP, Fixtures.PAD.id(), Fixtures.PAD),
                cache.apply(List.of(Fixtures.LAMP.id(), Fixtures.PAD.id(), "i-none")));
        assertEquals(List.of(Fixtures.LAMP.id(), "i-none", Fixtures.PAD.id(), "i-none"), store.asked);
    }

    @Test
    void aChangedItemIsReadAgain() {
        Store store = new Store();
        ItemCache cache = new ItemCache(store, 10);
        cache.apply(List.of(Fixtures.LAMP.id()));
        Item newer = renamed(Fixtures.LAMP, "Lumina Soft Desk Lamp LS-250");
        store.items.put(newer.id(), newer);
        cache.changed(List.of(newer));
        assertSame(newer, cache.apply(List.of(Fixtures.LAMP.id())).get(Fixtures.LAMP.id()));
        assertEquals(2, store.asked.size());
    }

    @Test
    void aReadThatRacedWithAChangeIsNotKept() {
        Store store = new Store();
        ItemCache cache = new ItemCache(store, 10);
        Item newer = renamed(Fixtures.LAMP, "Lumina Soft Desk Lamp LS-250");
        // The change commits while the old row is on its way back from the store.
        store.duringRead = () -> {
            store.items.put(newer.id(), newer);
            cache.changed(List.of(newer));
            store.duringRead = () -> { };
        };
        assertSame(Fixtures.LAMP, cache.apply(List.of(Fixtures.LAMP.id())).get(Fixtures.LAMP.id()));
        assertEquals(0, cache.size());
        assertSame(newer, cache.apply(List.of(Fixtures.LAMP.id())).get(Fixtures.LAMP.id()));
    }

    @Test
    void holdsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        Store store = new Store();
        ItemCache cache = new ItemCache(store, 1);
        cache.apply(List.of(Fixtures.LAMP.id()));
        cache.apply(List.of(Fixtures.PAD.id()));
        assertEquals(1, cache.size());
        cache.apply(List.of(Fixtures.PAD.id()));
        cache.apply(List.of(Fixtures.LAMP.id()));
        assertEquals(List.of(Fixtures.LAMP.id(), Fixtures.PAD.id(), Fixtures.LAMP.id()), store.asked);
    }

    @Test
    void sizeZeroReadsTheStoreEveryTimeAndANegativeSizeIsRefused() {
        Store store = new Store();
        ItemCache cache = new ItemCache(store, 0);
        cache.apply(List.of(Fixtures.LAMP.id()));
        cache.apply(List.of(Fixtures.LAMP.id()));
        assertEquals(2, store.asked.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ItemCache(store, -1));
        assertTrue(e.getMessage().contains("item.cache.size"), e.getMessage());
    }
}
