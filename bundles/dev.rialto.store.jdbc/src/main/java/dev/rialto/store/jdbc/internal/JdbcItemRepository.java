package dev.rialto.store.jdbc.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.catalog.ItemRepository;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/** Items in the {@code items} table. */
@Component(name = StoreConfig.PID + ".items", configurationPid = StoreConfig.PID)
@Designate(ocd = StoreConfig.class)
public final class JdbcItemRepository implements ItemRepository {
    private static final String COLUMNS =
            "id, title, description, category, price, currency, available, language, attributes, updated_at, brand";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM items";

    private final DataSource dataSource;
    private final Listeners<ItemChangeListener> listeners = new Listeners<>();
    private volatile Jdbc jdbc;

    @Activate
    public JdbcItemRepository(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Activate
    public void activate(StoreConfig config) {
        jdbc = Jdbc.activate(dataSource, config, "Item repository");
    }

    @Reference(name = "listener", service = ItemChangeListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindListener")
    void bindListener(ComponentServiceObjects<ItemChangeListener> listener) {
        listeners.add(listener);
    }

    void unbindListener(ComponentServiceObjects<ItemChangeListener> listener) {
        listeners.remove(listener);
    }

    /** Adds a listener object directly (tests and plain Java; OSGi binds listener services above). */
    public void addListener(ItemChangeListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ItemChangeListener listener) {
        listeners.remove(listener);
    }

    /** Delete then insert, chunk by chunk, in one transaction: portable, unlike MERGE / ON CONFLICT. */
    @Override
    public void upsert(Collection<Item> items) {
        if (items == null || items.isEmpty()) {
            return;
        }
        Map<String, Item> byId = new LinkedHashMap<>();
        for (Item item : items) {
            byId.put(item.id(), item); // the last one of a repeated id wins
        }
        List<Item> stored = List.copyOf(byId.values());
        Object now = Jdbc.toDb(Instant.now());
        jdbc.inTransaction("Upserting " + stored.size() + " items", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM items WHERE id = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO items (" + COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (List<Item> chunk : Jdbc.chunks(stored, jdbc.batchSize)) {
                    for (Item item : chunk) {
                        delete.setString(1, item.id());
                        delete.addBatch();
                    }
                    delete.executeBatch();
                    for (Item item : chunk) {
                        insert.setString(1, item.id());
                        insert.setString(2, item.title());
                        insert.setString(3, item.description());
                        insert.setString(4, item.category());
                        if (item.price() == null) {
                            insert.setNull(5, Types.DECIMAL);
                        } else {
                            insert.setBigDecimal(5, item.price());
                        }
                        if (item.currency() == null) {
                            insert.setNull(6, Types.VARCHAR);
                        } else {
                            insert.setString(6, item.currency());
                        }
                        insert.setBoolean(7, item.available());
                        insert.setString(8, item.language());
                        insert.setString(9, FlatJson.write(item.attributes()));
                        insert.setObject(10, now);
                        if (item.brand() == null) {
                            insert.setNull(11, Types.VARCHAR);
                        } else {
                            insert.setString(11, item.brand());
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            return null;
        });
        listeners.notifyAll(l -> l.itemsStored(stored), "Item change");
    }

    @Override
    public Optional<Item> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.read("Finding an item", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Item>empty();
                }
            }
        });
    }

    @Override
    public Map<String, Item> findAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return Map.of();
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        return jdbc.read("Finding " + distinct.size() + " items", c -> {
            Map<String, Item> found = new HashMap<>();
            for (List<String> chunk : Jdbc.chunks(distinct, 500)) {
                try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ANY(?)")) {
                    ps.setArray(1, Jdbc.idArray(c, chunk));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Item item = map(rs);
                            found.put(item.id(), item);
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public long count() {
        return jdbc.read("Counting items", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM items");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public void forEach(Consumer<Item> consumer) {
        jdbc.stream("Streaming items", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY id")) {
                ps.setFetchSize(jdbc.fetchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(map(rs));
                    }
                }
            }
            return null;
        });
    }

    private static Item map(ResultSet rs) throws SQLException {
        return new Item(rs.getString("id"), rs.getString("title"), rs.getString("description"),
                rs.getString("category"), price(rs.getBigDecimal("price")), rs.getString("currency"),
                rs.getBoolean("available"), rs.getString("language"), FlatJson.read(rs.getString("attributes")),
                rs.getString("brand"));
    }

    /** DECIMAL(19,4) pads to four places; give back the plain value (9.9900 becomes 9.99, 10.0000 becomes 10). */
    static BigDecimal price(BigDecimal stored) {
        if (stored == null) {
            return null;
        }
        BigDecimal plain = stored.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0) : plain;
    }
}
