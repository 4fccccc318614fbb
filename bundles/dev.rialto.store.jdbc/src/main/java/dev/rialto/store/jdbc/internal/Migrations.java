package dev.rialto.store.jdbc.internal;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resource.LoadableResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations with Flyway. The migrations are named here and read from this bundle's class
 * loader, because Flyway's class-path scanning depends on how the container spells resource URLs
 * ({@code bundle://}, {@code bundleresource://}, {@code file:}, {@code jar:}); this works the same in a plain
 * JVM and in an OSGi bundle. A test checks that the list matches the files.
 */
final class Migrations {
    static final String PATH = "dev/rialto/store/jdbc/migration/";
    /** Every migration script, oldest first. Add new ones here. */
    static final List<String> SCRIPTS = List.of("V1__schema.sql", "V2__context_consent_journal.sql",
            "V3__ads.sql", "V6__campaigns.sql", "V7__events_item_index.sql");
    /** Migrations that decide per database, named here for the same reason as the scripts. */
    static final List<Class<? extends JavaMigration>> JAVA = List.of(V13__EventsUserIndexOffH2.class);
    static final String HISTORY_TABLE = "rialto_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    // The three repository components share a DataSource: migrate it once, not three times.
    private static final Set<DataSource> MIGRATED = Collections.newSetFromMap(new WeakHashMap<>());

    private Migrations() {
    }

    /** Migrates the DataSource unless this class loader already did. */
    static void ensure(DataSource dataSource) {
        synchronized (MIGRATED) {
            if (MIGRATED.contains(dataSource)) {
                return;
            }
            try {
                int applied = migrate(dataSource);
                LOG.info("Store schema is current; {} migration(s) applied now", applied);
            } catch (RuntimeException e) {
                throw new StoreException("Migrating the store schema failed: " + e.getMessage(), e);
            }
            MIGRATED.add(dataSource);
        }
    }

    /** Brings the schema up to date; returns the number of migrations applied now. */
    static int migrate(DataSource dataSource) {
        ClassLoader loader = Migrations.class.getClassLoader();
        Flyway flyway = Flyway.configure(loader)
                .dataSource(dataSource)
                .loggers("slf4j") // auto-detection falls back to JUL when no SLF4J binding is visible
                .table(HISTORY_TABLE)
                .resourceProvider(new Scripts(loader))
                .javaMigrationClassProvider(() -> JAVA)
                .failOnMissingLocations(false)
                .load();
        MigrateResult result = flyway.migrate();
        return result.migrationsExecuted;
    }

    /** Serves {@link #SCRIPTS} from the class loader. */
    static final class Scripts implements ResourceProvider {
        private final ClassLoader loader;

        Scripts(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public LoadableResource getResource(String name) {
            String file = name.startsWith(PATH) ? name.substring(PATH.length()) : name;
            return SCRIPTS.contains(file) ? new Script(loader, file) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> found = new ArrayList<>();
            for (String file : SCRIPTS) {
                if (file.startsWith(prefix) && endsWithAny(file, suffixes)) {
                    found.add(new Script(loader, file));
                }
            }
            return found;
        }

        private static boolean endsWithAny(String file, String[] suffixes) {
            for (String suffix : suffixes) {
                if (file.endsWith(suffix)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Script extends LoadableResource {
        private final ClassLoader loader;
        private final String file;

        Script(ClassLoader loader, String file) {
            this.loader = loader;
            this.file = file;
        }

        @Override
        public Reader read() {
            InputStream in = loader.getResourceAsStream(PATH + file);
            if (in == null) {
                throw new IllegalStateException("Migration script " + PATH + file + " is missing from the bundle");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return PATH + file;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return PATH + file;
        }

        @Override
        public String getFilename() {
            return file;
        }

        @Override
        public String getRelativePath() {
            return file;
        }
    }
}
