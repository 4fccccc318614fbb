package dev.rialto.benchmarks.support;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/** A catalogue in memory, ordered by id as the store's {@code forEach} is. */
public final class MemoryItems implements ItemRepository {

    private final Map<String, Item> items = new ConcurrentSkipListMap<>();

    public MemoryItems(Collection<Item> initial) {
        upsert(initial);
    }

    @Override
    public void upsert(Collection<Item> batch) {
        batch.forEach(i -> items.put(i.id(), i));
    }

    @Override
    public Optional<Item> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public Map<String, Item> findAll(Collection<String> ids) {
        Map<String, Item> out = new HashMap<>();
        for (String id : ids) {
            Item i = items.get(id);
            if (i != null) {
                out.put(id, i);
            }
        }
        return out;
    }

    @Override
    public long count() {
        return items.size();
    }

    @Override
    public void forEach(Consumer<Item> consumer) {
        items.values().forEach(consumer);
    }
}
