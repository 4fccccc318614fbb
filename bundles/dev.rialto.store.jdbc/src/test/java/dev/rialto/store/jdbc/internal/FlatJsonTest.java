package dev.rialto.store.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {
    @Test
    void roundTripsAnyText() {
        Map<String, String> map = Map.of("a", "1", "quote\"", "back\\slash", "ctl", "\u0001\t\n\r", "uni", "\u00e9\u4e2d\ud83d\ude00",
                "", "empty key");
        assertEquals(map, FlatJson.read(FlatJson.write(map)));
    }

    @Test
    void writesSortedCompactJson() {
        assertEquals("{\"a\":\"x\",\"b\":\"y\\n\"}", FlatJson.write(Map.of("b", "y\n", "a", "x")));
        assertEquals("{}", FlatJson.write(Map.of()));
        assertEquals(Map.of(), FlatJson.read("{ }"));
        assertEquals(Map.of("k", "v/\u00e9"), FlatJson.read(" { \"k\" : \"v\\/\\u00e9\" } "));
    }

    @Test
    void rejectsBrokenJson() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlatJson.read("{\"a\":\"b\""));
        assertEquals("attributes JSON: unexpected end", e.getMessage());
    }
}
