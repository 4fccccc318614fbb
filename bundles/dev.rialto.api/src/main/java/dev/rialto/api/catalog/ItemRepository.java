package dev.rialto.api.catalog;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/** The catalogue in the store. Implementations notify every {@link ItemChangeListener} after commit. */
@ProviderType
public interface ItemRepository {

    /** Inserts or replaces the given items in one transaction. */
    void upsert(Collection<Item> items);

    Optional<Item> find(String id);

    /** The items with the given ids that exist, by id. */
    Map<String, Item> findAll(Collection<String> ids);

    long count();

    /** Streams every item, ordered by id, without holding them all in memory. */
    void forEach(Consumer<Item> consumer);
}
