package dev.rialto.store.jdbc.internal;

import java.lang.annotation.Annotation;

/** StoreConfig values for tests, as SCR would build them. */
final class Configs {
    private Configs() {
    }

    static StoreConfig config(int batchSize, int fetchSize, boolean migrate) {
        return config(batchSize, fetchSize, migrate, 1000);
    }

    static StoreConfig config(int batchSize, int fetchSize, boolean migrate, int historySize) {
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
                return batchSize;
            }

            @Override
            public int fetchSize() {
                return fetchSize;
            }

            @Override
            public boolean migrate() {
                return migrate;
            }

            @Override
            public int historySize() {
                return historySize;
            }
        };
    }

    static StoreConfig defaults() {
        return config(1000, 500, true);
    }
}
