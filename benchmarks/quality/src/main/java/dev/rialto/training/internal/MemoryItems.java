package dev.rialto.training.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;

/** Items in memory, in insertion order (as in benchmarks/retrieval). */
final class MemoryItems implements ItemRepository {

    private final Map<String, Item> items = new LinkedHashMap<>();

    MemoryItems(Collection<Item> initial) {
        upsert(initial);
    }

    @Override
    public synchronized void upsert(Collection<Item> batch) {
        batch.forEach(i -> items.put(i.id(), i));
    }

    @Override
    public synchronized Optional<Item> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public synchronized Map<String, Item> findAll(Collection<String> ids) {
        Map<String, Item> out = new HashMap<>();
        ids.forEach(id -> {
            Item i = items.get(id);
            if (i != null) {
                out.put(id, i);
            }
        });
        return out;
    }

    @Override
    public synchronized long count() {
        return items.size();
    }

    @Override
    public void forEach(Consumer<Item> consumer) {
        List<Item> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(items.values());
        }
        snapshot.forEach(consumer);
    }
}
