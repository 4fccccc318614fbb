package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** An in-memory catalogue. */
final class FakeItems implements ItemRepository {
    final Map<String, Item> items = new TreeMap<>();

    FakeItems(Collection<Item> items) {
        upsert(items);
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
        Map<String, Item> out = new TreeMap<>();
        ids.forEach(id -> find(id).ifPresent(i -> out.put(id, i)));
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
