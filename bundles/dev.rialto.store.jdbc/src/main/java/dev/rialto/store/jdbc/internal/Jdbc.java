package dev.rialto.store.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connection and transaction handling shared by the repositories. Every connection is closed here. */
final class Jdbc {
    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

    /** SQLSTATE of a unique-key violation, the same on H2 and PostgreSQL. */
    static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    final DataSource dataSource;
    final int batchSize;
    final int fetchSize;

    Jdbc(DataSource dataSource, int batchSize, int fetchSize) {
        this.dataSource = dataSource;
        this.batchSize = batchSize;
        this.fetchSize = fetchSize;
    }

    /** Checks the configuration, migrates the schema when asked (once per DataSource) and returns the helper. */
    static Jdbc activate(DataSource dataSource, StoreConfig config, String component) {
        if (config.batchSize() < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + config.batchSize());
        }
        if (config.fetchSize() < 1) {
            throw new IllegalArgumentException("fetchSize must be at least 1, was " + config.fetchSize());
        }
        if (config.migrate()) {
            Migrations.ensure(dataSource);
        }
        LOG.debug("{} active (batchSize={}, fetchSize={})", component, config.batchSize(), config.fetchSize());
        return new Jdbc(dataSource, config.batchSize(), config.fetchSize());
    }

    /** Runs the work in one transaction: commit on success, rollback on any failure. */
    <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c, what, e);
                throw e;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs a read; no transaction handling beyond the connection's default. */
    <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a streaming read in a read-only transaction: PostgreSQL only honours the fetch size with
     * auto-commit off, and otherwise loads the whole result.
     */
    void stream(String what, Work<Void> work) {
        inTransaction(what, work);
    }

    private static void rollback(Connection c, String what, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            LOG.warn("Rollback of '{}' failed", what, e);
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            LOG.debug("Could not restore auto-commit", e);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        SQLException next = e.getNextException();
        return next != null && next != e && isUniqueViolation(next);
    }

    static Object toDb(Instant instant) {
        // ofEpochSecond, not ofInstant: the latter builds new ZoneRules for the offset on every call (per event)
        return instant == null ? null
                : LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        // LocalDateTime both ways: the value is UTC wall-clock time, untouched by the JVM's zone.
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /**
     * The ids as one SQL array parameter, for {@code WHERE id = ANY(?)}. Not an IN list of parameters: PostgreSQL
     * plans a prepared statement once, generically, after five runs, and its generic plan for {@code IN (?, ...?)}
     * made on a young table is a sequential scan that it then keeps (4 s per 1,000-id look-up at 100k rows,
     * measured); {@code = ANY(?)} gets the primary-key index. H2 uses its index for both.
     */
    static java.sql.Array idArray(Connection c, Collection<String> ids) throws SQLException {
        return c.createArrayOf("VARCHAR", ids.toArray(new String[0]));
    }

    /** "?,?,?" for an IN list. */
    static String placeholders(int n) {
        StringBuilder sb = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "?" : ",?");
        }
        return sb.toString();
    }

    static <T> List<List<T>> chunks(Collection<T> values, int size) {
        List<List<T>> out = new ArrayList<>();
        List<T> current = new ArrayList<>(Math.min(size, values.size()));
        for (T v : values) {
            current.add(v);
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>(size);
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** Calls every listener; one that throws is logged and does not stop the others. */
    static <L> void notifyAll(Iterable<L> listeners, Consumer<L> call, String what) {
        for (L listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("{} listener {} failed", what, listener.getClass().getName(), e);
            }
        }
    }
}
