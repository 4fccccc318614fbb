package dev.rialto.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.retrieval.ItemFilter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordsTest {

    @Test
    void itemNormalisesAndCopies() {
        Map<String, String> attrs = new HashMap<>(Map.of("brand", "Acme"));
        Item item = new Item(" i1 ", " Mug ", null, "Kitchen > Mugs", new BigDecimal("4.50"), "GBP", true, null, attrs);
        attrs.put("colour", "red");
        assertEquals("i1", item.id());
        assertEquals("Mug", item.title());
        assertEquals("", item.description());
        assertEquals("en", item.language());
        assertEquals("Kitchen", item.topCategory());
        assertEquals(Map.of("brand", "Acme"), item.attributes());
    }

    @Test
    void itemErrorsNameTheField() {
        assertEquals("title must not be blank", assertThrows(IllegalArgumentException.class,
                () -> new Item("i1", " ", "", "", null, null, true, "en", null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Item("i1", "t", "", "", new BigDecimal("-1"), null, true, "en", null)).getMessage()
                .startsWith("price"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Item("i1", "t", "", "", null, "pounds", true, "en", null)).getMessage()
                .startsWith("currency"));
    }

    @Test
    void eventTypeParsesWireNames() {
        assertEquals(EventType.ADD_TO_CART, EventType.parse("add-to-cart"));
        assertEquals(EventType.ADD_TO_CART, EventType.parse("cart"));
        assertEquals(EventType.PURCHASE, EventType.parse(" Purchase "));
        assertEquals("add_to_cart", EventType.ADD_TO_CART.wireName());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EventType.parse("buy")).getMessage()
                .contains("'buy'"));
    }

    @Test
    void itemEventsNeedAnItem() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals("item must not be blank for a purchase event", assertThrows(IllegalArgumentException.class,
                () -> new Event("e1", EventType.PURCHASE, "u1", " ", 1, now)).getMessage());
        Event search = new Event("e2", EventType.SEARCH, "u1", null, 1, now, "red mug");
        assertEquals("red mug", search.query());
        assertThrows(IllegalArgumentException.class, () -> new Event("e3", EventType.VIEW, "u1", "i1", 0, now));
    }

    @Test
    void filterAcceptsByCategoryAvailabilityAndExclusion() {
        ItemFilter f = new ItemFilter("Kitchen", Set.of("x"), true, false);
        assertTrue(f.accepts("a", "Kitchen > Mugs", true));
        assertFalse(f.accepts("a", "Garden", true));
        assertFalse(f.accepts("a", "Kitchen", false));
        assertFalse(f.accepts("x", "Kitchen", true));
    }

    @Test
    void filterAcceptsByBrandAndPriceRange() {
        ItemFilter f = new ItemFilter(null, Set.of(), true, false, Set.of(" Acme "), new java.math.BigDecimal("5"),
                new java.math.BigDecimal("10.50"));
        assertTrue(f.restrictsBrandOrPrice());
        assertTrue(f.accepts("a", "", true, "ACME", new java.math.BigDecimal("5.00")), "bounds are inclusive");
        assertTrue(f.accepts("a", "", true, "acme", new java.math.BigDecimal("10.5")));
        assertFalse(f.accepts("a", "", true, "Other", new java.math.BigDecimal("7")));
        assertFalse(f.accepts("a", "", true, null, new java.math.BigDecimal("7")), "no brand fails a brand filter");
        assertFalse(f.accepts("a", "", true, "Acme", null), "no price fails a price filter");
        assertFalse(f.accepts("a", "", true, "Acme", new java.math.BigDecimal("10.51")));
        assertFalse(f.accepts("a", "", true, "Acme", new java.math.BigDecimal("4.99")));
        assertFalse(f.accepts("a", "", true), "the 1.2 overload knows no brand");
        assertTrue(ItemFilter.DEFAULT.accepts("a", "", true, null, null));
        assertEquals(Set.of("x", "y"), f.excluding(Set.of("x", "y")).excludeItemIds());
        assertEquals(f.brands(), f.excluding(Set.of("x")).withExcludePurchased(true).brands());
        assertEquals("minPrice (3) must not exceed maxPrice (2)", assertThrows(IllegalArgumentException.class,
                () -> new ItemFilter(null, null, true, false, null, java.math.BigDecimal.valueOf(3),
                        java.math.BigDecimal.valueOf(2))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ItemFilter(null, null, true, false, Set.of(" "),
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new ItemFilter(null, null, true, false, null,
                java.math.BigDecimal.valueOf(-1), null));
    }

    @Test
    void requestBoundsN() {
        assertThrows(IllegalArgumentException.class, () -> new RecommendationRequest("u", 0, null));
        assertThrows(IllegalArgumentException.class, () -> new RecommendationRequest("u", 1001, null));
        assertEquals(ItemFilter.DEFAULT, new RecommendationRequest("u", 10, null).filter());
    }

    @Test
    void rejectionsCsvQuotes() {
        IngestReport report = new IngestReport("f.csv", EntityKind.ITEMS, 3, 1, 0,
                List.of(new Rejection(2, "i,2", "price", "price \"x\" is not a number")));
        assertTrue(report.hasRejections());
        assertEquals("line,record,field,reason\n2,\"i,2\",price,\"price \"\"x\"\" is not a number\"\n",
                report.rejectionsCsv());
        assertEquals(EntityKind.EVENTS, EntityKind.parse("Events"));
    }

    @Test
    void recommendationRequestNamesItsSources() {
        RecommendationRequest all = new RecommendationRequest("u1", 10, null);
        assertTrue(all.sources().isEmpty());
        assertTrue(all.asks("popular"));
        RecommendationRequest some = new RecommendationRequest("u1", 10, null, Set.of(" Co-Visitation ", "popular"));
        assertEquals(Set.of("co-visitation", "popular"), some.sources());
        assertTrue(some.asks("co-visitation"));
        assertFalse(some.asks("text"));
        assertThrows(IllegalArgumentException.class,
                () -> new RecommendationRequest("u1", 10, null, Set.of(" ")));
    }

    @Test
    void recommendationRequestCutsSourceDepthButNeverBelowN() {
        assertEquals(0, new RecommendationRequest("u1", 10, null).candidates());
        assertEquals(500, new RecommendationRequest("u1", 10, null).depth(500));
        RecommendationRequest few = new RecommendationRequest("u1", 4, null, Set.of(), 50);
        assertEquals(50, few.depth(500));
        assertEquals(30, few.depth(30));
        assertEquals(20, new RecommendationRequest("u1", 20, null, Set.of(), 5).depth(500));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RecommendationRequest("u1", 4, null, Set.of(), -1));
        assertTrue(e.getMessage().contains("candidates"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RecommendationRequest("u1", 4, null, Set.of(), RecommendationRequest.MAX_CANDIDATES + 1));
    }
}
