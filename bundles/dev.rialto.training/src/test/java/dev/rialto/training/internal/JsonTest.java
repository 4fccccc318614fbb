package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesAndReadsBackTheCardShapes() {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("name", "ranker \"q\"\n");
        card.put("shape", List.of(-1, 7));
        card.put("metrics", Map.of("auc", 0.8125));
        card.put("inputs", List.of(Map.of("features", List.of("a", "b"))));
        card.put("empty", Map.of());
        card.put("flag", true);
        card.put("nothing", null);

        Object back = Json.parse(Json.write(card));

        Map<String, Object> expected = new LinkedHashMap<>(card);
        expected.put("shape", List.of(-1.0, 7.0));
        assertEquals(expected, back);
        assertTrue(Json.write(card).contains("\"shape\": [-1, 7]"));
    }

    @Test
    void rejectsBrokenTextWithItsOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertTrue(e.getMessage().contains("offset 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Double.NaN)));
    }
}
