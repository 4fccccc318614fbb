package dev.rialto.store.jdbc.internal;

/** The repositories on H2 in its own (regular) mode: the shipped default. */
class H2RegularModeTest extends StoreContractTest {
    @Override
    String modeOptions() {
        return "";
    }
}
