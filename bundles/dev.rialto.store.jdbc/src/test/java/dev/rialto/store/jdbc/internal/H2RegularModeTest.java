package dev.rialto.store.jdbc.internal;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

/** The repositories on H2 in its own (regular) mode: the shipped default. */
class H2RegularModeTest extends StoreContractTest {
    /** The JDBC URL options of the H2 mode under test. */
    String modeOptions() {
        return "";
    }

    @Override
    TrackingDataSource newDataSource() {
        return TrackingDataSource.h2("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + modeOptions());
    }

    @Override
    void discard(TrackingDataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (Exception ignored) {
            // SHUTDOWN closes the connection under us.
        }
    }

    @Override
    String database() {
        return "H2, regular mode";
    }
}
