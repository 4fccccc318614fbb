package dev.rialto.retrieval.lucene.internal.testing;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;

/** In-memory catalogue, ordered by id like the real store. */
public final class FakeItemRepository implements ItemRepository {

    private final TreeMap<String, Item> items = new TreeMap<>();
    public final AtomicInteger forEachCalls = new AtomicInteger();

    public FakeItemRepository(List<Item> initial) {
        initial.forEach(i -> items.put(i.id(), i));
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
        Map<String, Item> out = new LinkedHashMap<>();
        ids.forEach(id -> {
            if (items.containsKey(id)) {
                out.put(id, items.get(id));
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
        forEachCalls.incrementAndGet();
        List<Item> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(items.values());
        }
        snapshot.forEach(consumer);
    }
}
