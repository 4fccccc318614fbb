package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.retrieval.ItemFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterOptionsTest {

    @Test
    void brandsAndPricesBecomeTheFilter() {
        ItemFilter f = FilterOptions.filter("Kitchen", List.of("Acme,Globex", "Initech"), "2.5", null, true);
        assertEquals("Kitchen", f.categoryPrefix());
        assertEquals(Set.of("Acme", "Globex", "Initech"), f.brands());
        assertEquals(new BigDecimal("2.5"), f.minPrice());
        assertNull(f.maxPrice());
        assertTrue(f.excludePurchased());
        assertEquals(ItemFilter.DEFAULT, FilterOptions.filter(null, null, null, " ", false));
    }

    @Test
    void badPricesNameTheOption() {
        assertEquals("--max-price must be a decimal number, was 'lots'", assertThrows(IllegalArgumentException.class,
                () -> FilterOptions.filter(null, null, null, "lots", false)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FilterOptions.filter(null, null, "9", "3", false)).getMessage().contains("minPrice"));
    }
}
