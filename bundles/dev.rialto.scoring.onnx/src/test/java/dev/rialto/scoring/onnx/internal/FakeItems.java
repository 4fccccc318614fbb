package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** In-memory catalogue. */
public final class FakeItems implements ItemRepository {
    private final Map<String, Item> items = new TreeMap<>();

    @Override
    public synchronized void upsert(Collection<Item> values) {
        values.forEach(item -> items.put(item.id(), item));
    }

    @Override
    public synchronized Optional<Item> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public synchronized Map<String, Item> findAll(Collection<String> ids) {
        Map<String, Item> found = new TreeMap<>();
        ids.forEach(id -> find(id).ifPresent(item -> found.put(id, item)));
        return found;
    }

    @Override
    public synchronized long count() {
        return items.size();
    }

    @Override
    public void forEach(Consumer<Item> consumer) {
        Collection<Item> copy;
        synchronized (this) {
            copy = java.util.List.copyOf(items.values());
        }
        copy.forEach(consumer);
    }

    public synchronized Map<String, Item> asMap() {
        return Map.copyOf(items);
    }
}
