package dev.rialto.store.jdbc.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events in the {@code events} table. */
@Component(name = StoreConfig.PID + ".events", configurationPid = StoreConfig.PID)
public final class JdbcEventRepository implements EventRepository {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventRepository.class);

    static final String COLUMNS =
            "id, type, user_id, item_id, quantity, ts, query, price, channel, campaign, slot, creative";
    static final String SELECT = "SELECT " + COLUMNS + " FROM events";
    private static final int PARAMETERS = 12;
    /** The columns every event has; the others (query, price, context) are null for most events. */
    private static final String CORE_COLUMNS = "id, type, user_id, item_id, quantity, ts";
    private static final int CORE_PARAMETERS = 6;
    /**
     * Rows per INSERT statement. One statement per row costs H2 a command execution (statement savepoint, locks,
     * result) per row; 64 rows a statement cut the insert's CPU per row (docs/benchmarks.md). 64 x 12 parameters
     * stay far below PostgreSQL's 32,767.
     */
    public static final int ROWS_PER_INSERT = 64;

    private final DataSource dataSource;
    private final Listeners<EventListener> listeners = new Listeners<>();
    private volatile Jdbc jdbc;
    /** Each user's newest events, on H2 only (null elsewhere): see {@link RecentHistory}. */
    private volatile RecentHistory history;
    private volatile boolean fallbackLogged;
    private volatile ChangeFeed feed;

    @Activate
    public JdbcEventRepository(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Activate
    public void activate(StoreConfig config) {
        jdbc = Jdbc.activate(dataSource, config, "Event repository");
        feed = ChangeFeed.of(dataSource);
        boolean h2 = jdbc.read("Reading the database product", RecentHistory::isH2);
        history = h2 ? RecentHistory.attach(dataSource, config.historySize()) : null;
    }

    /** Waits until the history (if any) has read the table: tests and benchmarks. */
    public void awaitHistory() {
        RecentHistory h = history;
        if (h != null) {
            h.awaitLoaded();
        }
    }

    /** Waits until the listeners were told of every append that returned (tests and benchmarks). */
    public void awaitChangeFeed() {
        feed.await();
    }

    @Reference(name = "listener", service = EventListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindListener")
    void bindListener(ComponentServiceObjects<EventListener> listener) {
        listeners.add(listener);
    }

    void unbindListener(ComponentServiceObjects<EventListener> listener) {
        listeners.remove(listener);
    }

    /** Adds a listener object directly (tests and plain Java; OSGi binds listener services above). */
    public void addListener(EventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(EventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public int append(Collection<Event> events) {
        if (events == null || events.isEmpty()) {
            return 0;
        }
        Map<String, Event> byId = new LinkedHashMap<>();
        for (Event e : events) {
            byId.putIfAbsent(e.id(), e); // a repeated id in one call: the first one is the event
        }
        List<Event> distinct = List.copyOf(byId.values());
        String what = "Appending " + distinct.size() + " events";
        List<Event> stored;
        RecentHistory h = history;
        if (h != null) {
            h.beginAppend();
        }
        try {
            stored = insert(what, distinct);
            if (h != null) {
                h.add(stored);
            }
        } finally {
            if (h != null) {
                h.endAppend();
            }
        }
        if (!stored.isEmpty()) {
            List<Event> copy = List.copyOf(stored);
            feed.submit(() -> listeners.notifyAll(l -> l.eventsStored(copy), "Event"));
        }
        return stored.size();
    }

    private List<Event> insert(String what, List<Event> distinct) {
        try {
            return jdbc.inTransaction(what, c -> insertNew(c, distinct));
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException s) || !Jdbc.isUniqueViolation(s)) {
                throw e;
            }
            // A concurrent append committed one of our ids between our look-up and our insert: once more,
            // now that its rows are visible.
            LOG.debug("Concurrent append of the same event ids; retrying once");
            return jdbc.inTransaction(what, c -> insertNew(c, distinct));
        }
    }

    /** A multi-row INSERT of all 12 columns (standard SQL, H2 and PostgreSQL alike). */
    static String insert(int rows) {
        return insert(COLUMNS, PARAMETERS, rows);
    }

    /** A multi-row INSERT of the six columns every event has; the others are left to their default, null. */
    static String insertCore(int rows) {
        return insert(CORE_COLUMNS, CORE_PARAMETERS, rows);
    }

    private static String insert(String columns, int parameters, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO events (").append(columns).append(") VALUES ");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (").append(Jdbc.placeholders(parameters)).append(')');
        }
        return sql.toString();
    }

    /**
     * Per chunk, optimistically: a plain batch insert of all the chunk's events. New events (the usual case: a new
     * file, a new HTTP batch) then cost one round trip and no look-up. If an id is already stored the insert fails
     * with a unique-key violation; the chunk is rolled back and goes again the careful way: one look-up of the ids
     * that are stored, then an insert of the rest. Both ways name exactly the new events. A chunk after one that
     * inserted rows goes inside a savepoint, so that its failure keeps those rows; before that (the first chunk: a
     * file's chunk has only one) the chunk rolls back the transaction, which holds nothing else (a savepoint costs H2
     * a statement of a new name each time).
     */
    private List<Event> insertNew(Connection c, List<Event> events) throws SQLException {
        List<Event> stored = new ArrayList<>();
        Inserts inserts = new Inserts(c);
        try {
            for (List<Event> chunk : Jdbc.chunks(events, jdbc.batchSize)) {
                Savepoint savepoint = stored.isEmpty() ? null : c.setSavepoint();
                try {
                    inserts.insertAll(chunk);
                    if (savepoint != null) {
                        c.releaseSavepoint(savepoint);
                    }
                    stored.addAll(chunk);
                    continue;
                } catch (SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                    inserts.clearBatches();
                    if (savepoint != null) {
                        c.rollback(savepoint);
                    } else {
                        c.rollback();
                    }
                }
                Set<String> known = knownIds(c, chunk);
                List<Event> fresh = new ArrayList<>(chunk.size());
                for (Event e : chunk) {
                    if (!known.contains(e.id())) {
                        fresh.add(e);
                    }
                }
                inserts.insertAll(fresh);
                stored.addAll(fresh);
            }
        } finally {
            inserts.close();
        }
        return stored;
    }

    /**
     * The statements of one transaction, prepared when first needed. A group of events without query, price and
     * context goes through the statement of the six core columns (half the parameters to bind, half the placeholders
     * to parse when H2's statement cache was cleared). Groups are 64 rows, and the rest of a chunk goes in groups of
     * the powers of two it is made of (40 rows: 32 and 8): a chunk of 1,000 had 40 single-row statements, and a
     * statement of every size would crowd H2's per-connection statement cache (8 entries).
     */
    private static final class Inserts {
        /** Per shape (core, then all columns) and log2 of the rows (1 to 64): the SQL. */
        private static final String[][] SQL = new String[2][];
        private static final int SIZES = Integer.numberOfTrailingZeros(ROWS_PER_INSERT) + 1;

        static {
            SQL[0] = new String[SIZES];
            SQL[1] = new String[SIZES];
            for (int k = 0; k < SIZES; k++) {
                SQL[0][k] = insertCore(1 << k);
                SQL[1][k] = insert(1 << k);
            }
        }

        private final Connection c;
        private final PreparedStatement[][] statements = new PreparedStatement[2][SIZES];

        Inserts(Connection c) {
            this.c = c;
        }

        /** The events in groups; a batch per statement, in the order the statements were first used. */
        void insertAll(List<Event> events) throws SQLException {
            List<PreparedStatement> used = new ArrayList<>(4);
            for (int from = 0; from < events.size(); ) {
                int rows = Math.min(ROWS_PER_INSERT, Integer.highestOneBit(events.size() - from));
                group(events.subList(from, from + rows), used);
                from += rows;
            }
            for (PreparedStatement ps : used) {
                ps.executeBatch();
            }
        }

        private void group(List<Event> group, List<PreparedStatement> used) throws SQLException {
            boolean core = true;
            for (Event e : group) {
                if (!isCore(e)) {
                    core = false;
                    break;
                }
            }
            int shape = core ? 0 : 1;
            int size = Integer.numberOfTrailingZeros(group.size());
            PreparedStatement ps = statements[shape][size];
            if (ps == null) {
                ps = c.prepareStatement(SQL[shape][size]);
                statements[shape][size] = ps;
            }
            for (int r = 0; r < group.size(); r++) {
                if (core) {
                    bindCore(ps, r * CORE_PARAMETERS, group.get(r));
                } else {
                    bind(ps, r * PARAMETERS, group.get(r));
                }
            }
            ps.addBatch();
            if (!used.contains(ps)) {
                used.add(ps);
            }
        }

        void clearBatches() throws SQLException {
            for (PreparedStatement[] byShape : statements) {
                for (PreparedStatement ps : byShape) {
                    if (ps != null) {
                        ps.clearBatch();
                    }
                }
            }
        }

        /** Closes what was prepared; a failure to close must not hide why the insert failed. */
        void close() {
            for (PreparedStatement[] byShape : statements) {
                for (PreparedStatement ps : byShape) {
                    if (ps != null) {
                        try {
                            ps.close();
                        } catch (SQLException e) {
                            LOG.debug("Closing an insert statement failed", e);
                        }
                    }
                }
            }
        }
    }

    /** Whether the event has only the core columns: no query, price or context. */
    private static boolean isCore(Event e) {
        return e.query() == null && e.price() == null && e.context().isEmpty();
    }

    /** Binds the event to the 6 core parameters after {@code offset}. */
    private static void bindCore(PreparedStatement insert, int offset, Event e) throws SQLException {
        insert.setString(offset + 1, e.id());
        insert.setString(offset + 2, e.type().wireName());
        insert.setString(offset + 3, e.userId());
        string(insert, offset + 4, e.itemId());
        insert.setInt(offset + 5, e.quantity());
        insert.setObject(offset + 6, Jdbc.toDb(e.timestamp()));
    }

    /** Binds the event to the 12 parameters after {@code offset}. */
    private static void bind(PreparedStatement insert, int offset, Event e) throws SQLException {
        bindCore(insert, offset, e);
        string(insert, offset + 7, e.query());
        if (e.price() == null) {
            insert.setNull(offset + 8, Types.DECIMAL);
        } else {
            insert.setBigDecimal(offset + 8, e.price());
        }
        EventContext context = e.context();
        string(insert, offset + 9, context.channel());
        string(insert, offset + 10, context.campaign());
        string(insert, offset + 11, context.slot());
        string(insert, offset + 12, context.creative());
    }

    private static Set<String> knownIds(Connection c, List<Event> chunk) throws SQLException {
        Set<String> known = new HashSet<>();
        List<String> ids = new ArrayList<>(chunk.size());
        for (Event e : chunk) {
            ids.add(e.id());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM events WHERE id = ANY(?)")) {
            ps.setArray(1, Jdbc.idArray(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
        }
        return known;
    }

    @Override
    public long count() {
        return jdbc.read("Counting events", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM events");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** From the history on H2; by SQL elsewhere, or when the history holds fewer than asked of a long history. */
    @Override
    public List<Event> recentForUser(String userId, int limit) {
        if (userId == null || limit <= 0) {
            return List.of();
        }
        RecentHistory h = history;
        if (h != null) {
            List<Event> held = h.recent(userId, limit);
            if (held != null) {
                return held;
            }
            if (!fallbackLogged) {
                fallbackLogged = true;
                LOG.warn("Recent events asked beyond the history's historySize (limit {}), or the history is not"
                        + " loaded: read by SQL, a scan of the events table on H2; raise historySize", limit);
            }
        }
        return recentForUserSql(userId, limit);
    }

    /** The SQL answer: the reference the history is tested against. */
    List<Event> recentForUserSql(String userId, int limit) {
        return jdbc.read("Reading recent events of a user", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    SELECT + " WHERE user_id = ? ORDER BY ts DESC, id DESC FETCH FIRST ? ROWS ONLY")) {
                ps.setString(1, userId);
                ps.setInt(2, limit);
                List<Event> out = new ArrayList<>(Math.min(limit, 256));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> params = new ArrayList<>(2);
        if (from != null) {
            sql.append(" WHERE ts >= ?");
            params.add(Jdbc.toDb(from));
        }
        if (to != null) {
            sql.append(from == null ? " WHERE" : " AND").append(" ts < ?");
            params.add(Jdbc.toDb(to));
        }
        sql.append(" ORDER BY ts, id");
        jdbc.stream("Streaming events", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setFetchSize(jdbc.fetchSize);
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(map(rs));
                    }
                }
            }
            return null;
        });
    }

    /** Null or empty {@code types} counts every type. */
    @Override
    public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT item_id, COUNT(*) FROM events WHERE item_id IS NOT NULL");
        List<Object> params = new ArrayList<>();
        if (types != null && !types.isEmpty()) {
            sql.append(" AND type IN (").append(Jdbc.placeholders(types.size())).append(')');
            for (EventType t : types) {
                params.add(t.wireName());
            }
        }
        if (since != null) {
            sql.append(" AND ts >= ?");
            params.add(Jdbc.toDb(since));
        }
        sql.append(" GROUP BY item_id");
        return jdbc.read("Counting events by item", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                Map<String, Long> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Instant newestTimestamp() {
        return jdbc.read("Reading the newest event time", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(ts) AS newest FROM events");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Jdbc.instant(rs, "newest");
            }
        });
    }

    static Event map(ResultSet rs) throws SQLException {
        return new Event(rs.getString("id"), EventType.parse(rs.getString("type")), rs.getString("user_id"),
                rs.getString("item_id"), rs.getInt("quantity"), Jdbc.instant(rs, "ts"), rs.getString("query"),
                JdbcItemRepository.price(rs.getBigDecimal("price")), new EventContext(rs.getString("channel"),
                        rs.getString("campaign"), rs.getString("slot"), rs.getString("creative")));
    }

    private static void string(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
