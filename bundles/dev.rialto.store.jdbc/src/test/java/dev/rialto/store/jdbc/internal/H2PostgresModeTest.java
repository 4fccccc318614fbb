package dev.rialto.store.jdbc.internal;

/** The repositories on H2 in PostgreSQL compatibility mode (the real server is {@link PostgresTest}). */
class H2PostgresModeTest extends H2RegularModeTest {
    @Override
    String modeOptions() {
        return ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    @Override
    String database() {
        return "H2, PostgreSQL mode";
    }

    @Override
    int manyEvents() {
        return 10_000; // the full 100k runs once on H2 (regular mode) and once on PostgreSQL
    }
}
