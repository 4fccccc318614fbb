package dev.rialto.store.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repositories on a real PostgreSQL server, named by {@code RIALTO_TEST_PG_URL}, {@code RIALTO_TEST_PG_USER} and
 * {@code RIALTO_TEST_PG_PASSWORD} ({@code .ci/postgres.sh start} prints them). Each test gets a schema of its own,
 * made current through the URL's {@code currentSchema} and dropped afterwards, so runs never see each other.
 */
class PostgresTest extends StoreContractTest {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTest.class);
    static final String URL = System.getenv("RIALTO_TEST_PG_URL");
    static final String USER = System.getenv("RIALTO_TEST_PG_USER");
    static final String PASSWORD = System.getenv("RIALTO_TEST_PG_PASSWORD");

    private String schema;

    private static void assumeServerNamed() {
        assumeTrue(URL != null && !URL.isBlank(), "RIALTO_TEST_PG_URL is not set: the PostgreSQL store tests are"
                + " skipped (start a server with `eval \"$(.ci/postgres.sh start)\"`)");
    }

    @BeforeAll
    static void logServer() throws SQLException {
        if (URL == null || URL.isBlank()) {
            return; // each test is skipped with the reason, so that the count shows them
        }
        try (Connection c = admin(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            LOG.info("Store tests on PostgreSQL {} at {}", rs.getString(1), URL);
        }
    }

    static Connection admin() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    @Override
    TrackingDataSource newDataSource() throws SQLException {
        assumeServerNamed();
        schema = "rialto_t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        pg.setUser(USER);
        pg.setPassword(PASSWORD);
        return new TrackingDataSource(pg);
    }

    @Override
    void discard(TrackingDataSource dataSource) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Override
    String database() {
        return "PostgreSQL";
    }

    @Test
    void tablesLiveInTheTestsOwnSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                        + schema + "' AND table_name IN ('items', 'profiles', 'events', '"
                        + Migrations.HISTORY_TABLE + "')")) {
            rs.next();
            assertTrue(rs.getInt(1) == 4, "tables in " + schema + ": " + rs.getInt(1));
        }
    }
}
