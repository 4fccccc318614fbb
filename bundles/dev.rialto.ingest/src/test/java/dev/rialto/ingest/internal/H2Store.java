package dev.rialto.ingest.internal;

import dev.rialto.store.jdbc.internal.JdbcEventRepository;
import dev.rialto.store.jdbc.internal.JdbcIngestJournal;
import dev.rialto.store.jdbc.internal.JdbcItemRepository;
import dev.rialto.store.jdbc.internal.JdbcProfileRepository;
import dev.rialto.store.jdbc.internal.JdbcUserDataRepository;
import dev.rialto.store.jdbc.internal.StoreConfig;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** The real JDBC store on an in-memory H2 database, with the privacy component, for pipeline tests. */
public final class H2Store implements AutoCloseable {
    public final JdbcDataSource dataSource = new JdbcDataSource();
    public final JdbcItemRepository items;
    public final JdbcEventRepository events;
    public final JdbcProfileRepository profiles;
    public final JdbcIngestJournal journal;
    public final JdbcUserDataRepository users;
    public final PrivacyGuard privacy;

    public H2Store(Path keyFile, String policy) {
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        StoreConfig config = config();
        items = new JdbcItemRepository(dataSource);
        items.activate(config);
        events = new JdbcEventRepository(dataSource);
        events.activate(config);
        profiles = new JdbcProfileRepository(dataSource);
        profiles.activate(config);
        journal = new JdbcIngestJournal(dataSource);
        journal.activate(config);
        users = new JdbcUserDataRepository(dataSource);
        users.activate(config);
        privacy = new PrivacyGuard(users);
        privacy.activate(privacyConfig(true, "", keyFile.toString(), policy));
    }

    public CsvIngestor ingestor(int chunkSize, Path deadLetterDir) {
        return ingestor(events, chunkSize, deadLetterDir);
    }

    /** An ingestor storing events through the given repository (a crashing wrapper, say). */
    CsvIngestor ingestor(dev.rialto.api.events.EventRepository eventRepository, int chunkSize, Path deadLetterDir) {
        CsvIngestor ingestor = new CsvIngestor(items, eventRepository, profiles, journal, privacy);
        ingestor.activate(Fakes.config("UTC", chunkSize, 65536, 10000, "",
                deadLetterDir == null ? "" : deadLetterDir.toString()));
        return ingestor;
    }

    long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static StoreConfig config() {
        return new StoreConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }

            @Override
            public String dataSource_target() {
                return "(dataSourceName=rialto)";
            }

            @Override
            public int batchSize() {
                return 1000;
            }

            @Override
            public int fetchSize() {
                return 500;
            }

            @Override
            public boolean migrate() {
                return true;
            }

            @Override
            public int historySize() {
                return 1000;
            }
        };
    }

    static PrivacyGuard.Config privacyConfig(boolean pseudonymise, String key, String keyFile, String policy) {
        return new PrivacyGuard.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PrivacyGuard.Config.class;
            }

            @Override
            public boolean pseudonymise() {
                return pseudonymise;
            }

            @Override
            public String key() {
                return key;
            }

            @Override
            public String keyFile() {
                return keyFile;
            }

            @Override
            public String personal_fields() {
                return "email,name,phone";
            }

            @Override
            public String personal_policy() {
                return policy;
            }
        };
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // SHUTDOWN closes the connection under us
        }
    }
}
