package dev.rialto.store.jdbc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one configuration (PID {@code dev.rialto.store.jdbc}) that the three repository components share. They
 * are separate components because the repository interfaces clash ({@code count()}, {@code find(String)}).
 */
@ObjectClassDefinition(name = "Rialto JDBC store",
        description = "Item, event and profile repositories on a javax.sql.DataSource service")
public @interface StoreConfig {
    String PID = "dev.rialto.store.jdbc";

    @AttributeDefinition(description = "Filter that picks the DataSource service; pax-jdbc-config registers it"
            + " with the dataSourceName of etc/org.ops4j.datasource-rialto.cfg")
    String dataSource_target() default "(dataSourceName=rialto)";

    @AttributeDefinition(description = "Rows per JDBC batch when writing", min = "1")
    int batchSize() default 1000;

    @AttributeDefinition(description = "Rows fetched per round trip when streaming", min = "1")
    int fetchSize() default 500;

    @AttributeDefinition(description = "On H2: events kept in memory per user for recent-event reads (the"
            + " recommender, the scorer, ads, segments); a read asking for more of a user who has more falls back to"
            + " a scan of the events table", min = "1")
    int historySize() default 1000;

    @AttributeDefinition(description = "Apply the schema migrations (Flyway) when the store starts")
    boolean migrate() default true;
}
