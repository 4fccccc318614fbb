package dev.rialto.store.jdbc.internal;

/** The repositories on H2 in PostgreSQL compatibility mode, a stand-in until the real PostgreSQL test. */
class H2PostgresModeTest extends StoreContractTest {
    @Override
    String modeOptions() {
        return ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }
}
