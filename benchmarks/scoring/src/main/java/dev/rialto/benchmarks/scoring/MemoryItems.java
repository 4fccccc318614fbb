package dev.rialto.benchmarks.scoring;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/** In-memory catalogue, ordered by id as the store's forEach is. */
final class MemoryItems implements ItemRepository {
    private final Map<String, Item> items = new ConcurrentSkipListMap<>();

    MemoryItems(List<Item> values) {
        upsert(values);
    }

    @Override
    public void upsert(Collection<Item> values) {
        values.forEach(item -> items.put(item.id(), item));
    }

    @Override
    public Optional<Item> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public Map<String, Item> findAll(Collection<String> ids) {
        Map<String, Item> found = new HashMap<>();
        ids.forEach(id -> find(id).ifPresent(item -> found.put(id, item)));
        return found;
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
