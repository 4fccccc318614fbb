package dev.rialto.campaigns.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh in-memory H2 with the store's real migration scripts (from the store bundle's jar). */
final class TestDb {
    private static final AtomicInteger N = new AtomicInteger();

    private TestDb() {
    }

    static DataSource create() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:campaigns" + N.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String script : new String[] {"V1__schema.sql", "V2__context_consent_journal.sql", "V6__campaigns.sql"}) {
                String path = "dev/rialto/store/jdbc/migration/" + script;
                try (InputStream in = TestDb.class.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException("missing " + path);
                    }
                    String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                        if (!statement.isBlank()) {
                            s.execute(statement);
                        }
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
        return ds;
    }
}
