package dev.rialto.benchmarks.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryRepositoriesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Event event(String id, String user, String item, EventType type, int minutes) {
        return new Event(id, type, user, item, 1, T0.plusSeconds(60L * minutes));
    }

    @Test
    void eventsAreReadNewestFirstPerUserAndOldestFirstOverall() {
        MemoryEvents events = new MemoryEvents();
        assertNull(events.newestTimestamp());
        assertEquals(3, events.append(List.of(event("e2", "u1", "i2", EventType.VIEW, 2),
                event("e1", "u1", "i1", EventType.PURCHASE, 1), event("e3", "u2", "i1", EventType.VIEW, 3))));
        assertEquals(0, events.append(List.of(event("e1", "u1", "i9", EventType.VIEW, 9))), "a known id is dropped");
        assertEquals(3, events.count());
        assertEquals(List.of("e2", "e1"), events.recentForUser("u1", 5).stream().map(Event::id).toList());
        assertEquals(List.of("e2"), events.recentForUser("u1", 1).stream().map(Event::id).toList());
        assertTrue(events.recentForUser("nobody", 5).isEmpty());
        List<String> order = new ArrayList<>();
        events.forEach(null, null, e -> order.add(e.id()));
        assertEquals(List.of("e1", "e2", "e3"), order);
        order.clear();
        events.forEach(T0.plusSeconds(120), T0.plusSeconds(180), e -> order.add(e.id()));
        assertEquals(List.of("e2"), order, "from inclusive, to exclusive");
        assertEquals(Map.of("i1", 2L, "i2", 1L), events.countByItem(Set.of(EventType.VIEW, EventType.PURCHASE), null));
        assertEquals(Map.of("i1", 1L), events.countByItem(Set.of(EventType.VIEW), T0.plusSeconds(150)));
        assertEquals(T0.plusSeconds(180), events.newestTimestamp());
        assertEquals(List.of("u1", "u2"), events.usersByActivity());
        assertEquals(Set.of("u1", "u2"), events.users());
        // appended later: still read in order
        events.append(List.of(event("e0", "u1", "i3", EventType.VIEW, 0)));
        assertEquals("e0", events.recentForUser("u1", 5).get(2).id());
        MemoryEvents loaded = new MemoryEvents(List.of(event("e3", "u2", "i1", EventType.VIEW, 3),
                event("e0", "u1", "i3", EventType.VIEW, 0), event("e1", "u1", "i1", EventType.VIEW, 1)));
        order.clear();
        loaded.forEach(null, null, e -> order.add(e.id()));
        assertEquals(List.of("e0", "e1", "e3"), order);
    }

    @Test
    void itemsAreFoundByIdAndWalkedInIdOrder() {
        MemoryItems items = new MemoryItems(List.of(item("b"), item("a")));
        items.upsert(List.of(item("c")));
        assertEquals(3, items.count());
        assertEquals("a", items.find("a").orElseThrow().id());
        assertTrue(items.find("z").isEmpty());
        assertEquals(Set.of("a", "c"), items.findAll(List.of("a", "c", "z")).keySet());
        List<String> order = new ArrayList<>();
        items.forEach(i -> order.add(i.id()));
        assertEquals(List.of("a", "b", "c"), order);
    }

    private static Item item(String id) {
        return new Item(id, "Item " + id, null, "Home", new BigDecimal("1.00"), "GBP", true, null, Map.of());
    }
}
