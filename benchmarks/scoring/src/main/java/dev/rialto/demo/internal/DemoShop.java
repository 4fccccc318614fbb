package dev.rialto.demo.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo shop (default settings, seed 42) as API records. Lives in the demo bundle's package because its
 * generator is internal there (same trick as the training tests' DemoFixture).
 */
public final class DemoShop {
    public final List<Item> items = new ArrayList<>();
    public final List<Event> events = new ArrayList<>();

    public DemoShop() {
        DemoData data = new DemoGenerator(DemoSettings.defaults(Instant.parse("2026-03-01T00:00:00Z"))).generate();
        for (DemoItem i : data.items()) {
            items.add(new Item(i.id(), i.title(), i.description(), i.category(), i.price(), "GBP", i.available(),
                    "en", Map.of("brand", i.brand())));
        }
        int n = 0;
        for (DemoEvent e : data.events()) {
            events.add(new Event("d" + n++, e.type(), e.user(), e.item(), e.quantity(), e.timestamp(), e.query()));
        }
    }
}
