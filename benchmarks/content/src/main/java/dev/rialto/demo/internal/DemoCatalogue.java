package dev.rialto.demo.internal;

import dev.rialto.api.catalog.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo shop's first N items (seed 42) as API records; in the demo bundle's package, whose generator is internal. */
public final class DemoCatalogue {
    private DemoCatalogue() {
    }

    public static List<Item> items(int n) {
        DemoSettings settings = new DemoSettings(DemoSettings.DEFAULT_SEED, DemoSettings.MIN_USERS, n, 0,
                Instant.parse("2026-03-01T00:00:00Z"));
        DemoData data = new DemoGenerator(settings).generate();
        List<Item> items = new ArrayList<>();
        for (DemoItem i : data.items()) {
            items.add(new Item(i.id(), i.title(), i.description(), i.category(), i.price(), "GBP", i.available(),
                    "en", Map.of(), i.brand()));
        }
        return items;
    }
}
