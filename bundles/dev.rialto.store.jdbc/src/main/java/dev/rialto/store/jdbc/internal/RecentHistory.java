package dev.rialto.store.jdbc.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventContext;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each user's newest events in memory, for H2: what {@code recentForUser} answers there instead of an index on
 * {@code events (user_id, ts)}. On H2 that index cost more than the table, its primary key and the time index together
 * (users arrive in random order and MVStore's B-trees are copy-on-write: docs/benchmarks.md), so the V13 migration drops
 * it on H2 and this history takes its place.
 *
 * <p>It is fed by the event repository after each commit and by the user-data repository after each erasure, and
 * rebuilt at start by one scan of the table in its stored order. Invariants, per user: the held events are sorted by
 * (timestamp, id) as the SQL orders them; when older events were dropped to keep {@code size} (the user is
 * <em>truncated</em>) every event of the user not held is older than the oldest held one. A read asking for more
 * than is held of a truncated user is answered by SQL ({@link #recent} returns null).
 *
 * <p>One history per DataSource, shared by the repositories of this bundle without wiring: an erasure can then never
 * miss it. Events written around the repositories (plain SQL) are seen only after a restart.
 *
 * <p>Memory: 25 to 50 bytes of slots per held event (arrays grow by doubling) plus its id string (40 bytes plus its
 * length: a 66-character content id makes 130 to 160 bytes in all); item ids and event contexts are shared.
 */
final class RecentHistory {
    private static final Logger LOG = LoggerFactory.getLogger(RecentHistory.class);
    private static final Map<DataSource, RecentHistory> BY_SOURCE = new WeakHashMap<>();
    private static final EventType[] TYPES = EventType.values();
    /** The bound on waiting for the start-up scan before a read falls back to SQL. */
    private static final long LOAD_WAIT_SECONDS = 300;

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, String> itemIds = new ConcurrentHashMap<>();
    private final Map<EventContext, EventContext> contexts = new ConcurrentHashMap<>();
    /**
     * Appends hold the read lock from before their commit until their events are added here; an erasure takes the
     * write lock to remove what it deleted, so an event it deleted cannot be added after it was removed.
     */
    private final ReentrantReadWriteLock order = new ReentrantReadWriteLock();
    private final CountDownLatch loaded = new CountDownLatch(1);
    /** Guards the start-up scan's adds against erasures that ran after the scan's snapshot. */
    private final Object loadLock = new Object();
    private final Set<String> forgottenWhileLoading = new HashSet<>();
    private boolean loading;
    private volatile boolean usable = true;
    private volatile int size;

    private RecentHistory(int size) {
        this.size = size;
    }

    /** The history of the DataSource, made and loaded (in the background) on first call. */
    static RecentHistory attach(DataSource dataSource, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("historySize must be at least 1, was " + size);
        }
        RecentHistory history;
        synchronized (BY_SOURCE) {
            history = BY_SOURCE.get(dataSource);
            if (history != null) {
                history.size = size;
                return history;
            }
            history = new RecentHistory(size);
            history.loading = true;
            BY_SOURCE.put(dataSource, history);
        }
        RecentHistory h = history;
        Thread loader = new Thread(() -> h.load(dataSource), "rialto-history-load");
        loader.setDaemon(true);
        loader.start();
        return history;
    }

    /** The DataSource's history, or null when it has none (not H2, or no event repository yet). */
    static RecentHistory of(DataSource dataSource) {
        synchronized (BY_SOURCE) {
            return BY_SOURCE.get(dataSource);
        }
    }

    /** Forgets the DataSource's history, so that the next {@link #attach} loads a new one (a restart, in tests). */
    static void detach(DataSource dataSource) {
        synchronized (BY_SOURCE) {
            BY_SOURCE.remove(dataSource);
        }
    }

    /** Whether the database behind the connection is H2, whose B-trees the history spares. */
    static boolean isH2(Connection c) throws SQLException {
        return "H2".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
    }

    /** Held around an append's commit and its {@link #add}. */
    void beginAppend() {
        order.readLock().lock();
    }

    void endAppend() {
        order.readLock().unlock();
    }

    /** Adds committed events (from an append, after its commit). */
    void add(Collection<Event> events) {
        for (Event e : events) {
            addOne(e);
        }
    }

    /** Removes the events an erasure deleted (after its commit). */
    void remove(String userId, Collection<Event> deleted) {
        order.writeLock().lock();
        try {
            Set<String> ids = new HashSet<>();
            for (Event e : deleted) {
                ids.add(e.id());
            }
            synchronized (loadLock) {
                if (loading) {
                    forgottenWhileLoading.addAll(ids);
                }
                users.computeIfPresent(userId, (k, user) -> user.removeAll(ids) ? null : user);
            }
        } finally {
            order.writeLock().unlock();
        }
    }

    /** Waits for the start-up scan; false when it failed or took too long (reads then go to SQL). */
    boolean awaitLoaded() {
        try {
            return loaded.await(LOAD_WAIT_SECONDS, TimeUnit.SECONDS) && usable;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The user's newest {@code limit} events, newest first, or null when the history cannot answer (not loaded,
     * or more asked of a truncated user than is held): the caller then asks SQL.
     */
    List<Event> recent(String userId, int limit) {
        if (!awaitLoaded()) {
            return null;
        }
        User user = users.get(userId);
        return user == null ? List.of() : user.newest(limit);
    }

    int users() {
        return users.size();
    }

    private void addOne(Event e) {
        // get before computeIfAbsent: the key is nearly always there, and a look-up takes no lock
        String item = e.itemId();
        if (item != null) {
            String shared = itemIds.get(item);
            item = shared != null ? shared : itemIds.computeIfAbsent(item, k -> k);
        }
        User user = users.get(e.userId());
        if (user == null) {
            user = users.computeIfAbsent(e.userId(), User::new);
        }
        user.add(e.id(), micros(e.timestamp()), (byte) e.type().ordinal(), e.quantity(), item, extra(e), size);
    }

    /** Null, a shared context, or a {@link Rare} holding the query and price. */
    private Object extra(Event e) {
        EventContext context = e.context();
        if (!context.isEmpty()) {
            EventContext shared = contexts.get(context);
            context = shared != null ? shared : contexts.computeIfAbsent(context, k -> k);
        } else {
            context = EventContext.NONE;
        }
        BigDecimal price = stored(e.price());
        if (e.query() == null && price == null) {
            return context == EventContext.NONE ? null : context;
        }
        return new Rare(e.query(), price, context);
    }

    private record Rare(String query, BigDecimal price, EventContext context) {
    }

    /** The price as the store returns it: {@code DECIMAL(19, 4)}, trailing zeros stripped. */
    static BigDecimal stored(BigDecimal price) {
        return price == null ? null : JdbcItemRepository.price(price.setScale(4, RoundingMode.HALF_UP));
    }

    /** The timestamp as H2 keeps it ({@code TIMESTAMP}: microseconds, rounded half up), in epoch microseconds. */
    static long micros(Instant t) {
        long micros = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
        return t.getNano() % 1000 >= 500 ? micros + 1 : micros;
    }

    // --- the start-up scan

    private void load(DataSource dataSource) {
        long start = System.nanoTime();
        long rows = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // Row by row instead of a result materialised first (H2 would spill millions of rows to disk).
                s.execute("SET LAZY_QUERY_EXECUTION TRUE");
                try (PreparedStatement ps = c.prepareStatement(JdbcEventRepository.SELECT)) {
                    ps.setFetchSize(1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Event e = JdbcEventRepository.map(rs);
                            synchronized (loadLock) {
                                if (!forgottenWhileLoading.contains(e.id())) {
                                    addOne(e);
                                }
                            }
                            rows++;
                        }
                    }
                } finally {
                    s.execute("SET LAZY_QUERY_EXECUTION FALSE");
                    c.commit();
                    c.setAutoCommit(autoCommit);
                }
            }
            LOG.info("Recent-event history loaded: {} events of {} users in {} ms", rows, users.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
            usable = false;
            LOG.error("Loading the recent-event history failed after {} events; recent events are read with SQL"
                    + " (a scan of the events table on H2) until the next start", rows, e);
        } finally {
            synchronized (loadLock) {
                loading = false;
                forgottenWhileLoading.clear();
            }
            loaded.countDown();
        }
    }

    /** One user's held events, oldest first, in parallel arrays. */
    private static final class User {
        private final String userId;
        private int n;
        private String[] ids = new String[4];
        private long[] micros = new long[4];
        private byte[] types = new byte[4];
        private int[] quantities = new int[4];
        private String[] items = new String[4];
        private Object[] extras = new Object[4];
        /** Older events of the user exist that are not held. */
        private boolean truncated;

        User(String userId) {
            this.userId = userId;
        }

        synchronized void add(String id, long ts, byte type, int quantity, String item, Object extra, int size) {
            int at = search(ts, id);
            if (at >= 0) {
                return; // already held (the start-up scan met an event that was also appended)
            }
            at = -at - 1;
            if (at == 0 && truncated) {
                return; // older than every held event, and older ones were dropped: not among the newest
            }
            if (n == ids.length) {
                if (n >= size + size / 4) {
                    drop(n - size); // amortised: a quarter of the size at a time
                    add(id, ts, type, quantity, item, extra, size); // where it goes, if anywhere, has moved
                    return;
                }
                grow(Math.min(Math.max(4, n * 2), size + size / 4));
            }
            int tail = n - at;
            if (tail > 0) {
                System.arraycopy(ids, at, ids, at + 1, tail);
                System.arraycopy(micros, at, micros, at + 1, tail);
                System.arraycopy(types, at, types, at + 1, tail);
                System.arraycopy(quantities, at, quantities, at + 1, tail);
                System.arraycopy(items, at, items, at + 1, tail);
                System.arraycopy(extras, at, extras, at + 1, tail);
            }
            ids[at] = id;
            micros[at] = ts;
            types[at] = type;
            quantities[at] = quantity;
            items[at] = item;
            extras[at] = extra;
            n++;
        }

        /** Index of (ts, id), or {@code -(insertion point) - 1}; ties on time are ordered by id, as SQL does. */
        private int search(long ts, String id) {
            int lo = 0;
            int hi = n - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int cmp = micros[mid] != ts ? Long.compare(micros[mid], ts) : ids[mid].compareTo(id);
                if (cmp < 0) {
                    lo = mid + 1;
                } else if (cmp > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -lo - 1;
        }

        private void grow(int capacity) {
            ids = Arrays.copyOf(ids, capacity);
            micros = Arrays.copyOf(micros, capacity);
            types = Arrays.copyOf(types, capacity);
            quantities = Arrays.copyOf(quantities, capacity);
            items = Arrays.copyOf(items, capacity);
            extras = Arrays.copyOf(extras, capacity);
        }

        /** Drops the {@code k} oldest. */
        private void drop(int k) {
            if (k <= 0) {
                return;
            }
            int rest = n - k;
            System.arraycopy(ids, k, ids, 0, rest);
            System.arraycopy(micros, k, micros, 0, rest);
            System.arraycopy(types, k, types, 0, rest);
            System.arraycopy(quantities, k, quantities, 0, rest);
            System.arraycopy(items, k, items, 0, rest);
            System.arraycopy(extras, k, extras, 0, rest);
            Arrays.fill(ids, rest, n, null);
            Arrays.fill(items, rest, n, null);
            Arrays.fill(extras, rest, n, null);
            n = rest;
            truncated = true;
        }

        /** Removes the ids; true when the user is left with nothing (the entry can go). */
        synchronized boolean removeAll(Set<String> deleted) {
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (deleted.contains(ids[i])) {
                    continue;
                }
                ids[kept] = ids[i];
                micros[kept] = micros[i];
                types[kept] = types[i];
                quantities[kept] = quantities[i];
                items[kept] = items[i];
                extras[kept] = extras[i];
                kept++;
            }
            Arrays.fill(ids, kept, n, null);
            Arrays.fill(items, kept, n, null);
            Arrays.fill(extras, kept, n, null);
            n = kept;
            // The erasure deleted every event of the user it read, the dropped ones too. Events left here were
            // appended while it ran; then the dropped ones are not known to be gone, and truncated stays.
            return n == 0;
        }

        synchronized List<Event> newest(int limit) {
            if (limit > n && truncated) {
                return null;
            }
            int k = Math.min(limit, n);
            List<Event> out = new ArrayList<>(k);
            for (int i = n - 1; i >= n - k; i--) {
                out.add(event(i));
            }
            return Collections.unmodifiableList(out);
        }

        private Event event(int i) {
            Object extra = extras[i];
            String query = null;
            BigDecimal price = null;
            EventContext context = EventContext.NONE;
            if (extra instanceof EventContext c) {
                context = c;
            } else if (extra instanceof Rare r) {
                query = r.query();
                price = r.price();
                context = r.context();
            }
            long m = micros[i];
            Instant ts = Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000);
            return new Event(ids[i], TYPES[types[i]], userId, items[i], quantities[i], ts, query, price, context);
        }
    }
}
