package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The catalogue items copy is written about, kept in memory: a campaign writes about the same few thousand items
 * for every recipient, and reading them from the store each time was a third of the cost of generating an email.
 * Least recently used entries go first. The store's change feed ({@link #changed}) drops what it replaced; a read
 * that raced with a change does not put what it read, so a stale item never outlives the change that replaced it.
 */
final class ItemCache implements Function<Collection<String>, Map<String, Item>> {

    private final Function<Collection<String>, Map<String, Item>> store;
    private final int capacity;
    private final LinkedHashMap<String, Item> entries;
    private long generation;

    /** @param capacity items held at most; 0 turns the cache off (every read goes to the store) */
    ItemCache(Function<Collection<String>, Map<String, Item>> store, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("item.cache.size must not be negative, was " + capacity);
        }
        this.store = store;
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The items with the given ids that exist, by id (as {@code ItemRepository.findAll}). */
    @Override
    public Map<String, Item> apply(Collection<String> ids) {
        if (capacity == 0) {
            return store.apply(ids);
        }
        Map<String, Item> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        long seen;
        synchronized (this) {
            seen = generation;
            for (String id : ids) {
                Item item = entries.get(id);
                if (item != null) {
                    out.put(id, item);
                } else {
                    missing.add(id);
                }
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        Map<String, Item> read = store.apply(missing);
        out.putAll(read);
        synchronized (this) {
            if (generation == seen) {
                read.forEach(entries::put);
                while (entries.size() > capacity) {
                    entries.remove(entries.keySet().iterator().next());
                }
            }
        }
        return out;
    }

    /** The store committed these items: what the cache held of them is stale. */
    synchronized void changed(Collection<Item> items) {
        generation++;
        for (Item item : items) {
            entries.remove(item.id());
        }
    }

    int capacity() {
        return capacity;
    }

    synchronized int size() {
        return entries.size();
    }
}
