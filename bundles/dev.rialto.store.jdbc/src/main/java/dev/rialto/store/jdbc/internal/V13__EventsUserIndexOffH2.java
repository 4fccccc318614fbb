package dev.rialto.store.jdbc.internal;

import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops the index {@code events_user_ts} on H2, where {@link RecentHistory} answers a user's recent events instead:
 * on H2 it cost more per inserted event than the table, its primary key and the time index together (random-order
 * keys in copy-on-write B-trees, docs/benchmarks.md). PostgreSQL keeps it: its B-trees update in place, and several
 * nodes share one database there, which no node's memory could follow. A Java migration because the SQL is the same
 * on both and only the decision differs; the statement itself is portable.
 */
public final class V13__EventsUserIndexOffH2 extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        if (RecentHistory.isH2(c)) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX IF EXISTS events_user_ts");
            }
        }
    }
}
