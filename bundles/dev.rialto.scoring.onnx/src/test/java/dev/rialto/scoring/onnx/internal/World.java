package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small deterministic shop: 4 top categories x 2 subcategories x 10 items, 40 users who each prefer one
 * top category (80 % of their 15 events fall in it).
 */
public final class World {
    public static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    public static final List<String> CATEGORIES = List.of("Kitchen", "Garden", "Toys", "Books");
    private static final EventType[] TYPES = {EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.CLICK,
        EventType.ADD_TO_CART, EventType.PURCHASE};

    public final FakeItems items = new FakeItems();
    public final FakeEvents events = new FakeEvents();
    public final List<String> users = new ArrayList<>();
    public final List<String> itemIds = new ArrayList<>();

    public World() {
        Random random = new Random(42);
        List<Item> catalogue = new ArrayList<>();
        for (int c = 0; c < CATEGORIES.size(); c++) {
            for (int sub = 0; sub < 2; sub++) {
                for (int i = 0; i < 10; i++) {
                    String id = CATEGORIES.get(c).toLowerCase() + "-" + sub + "-" + i;
                    double price = (10 + 30 * c) * (1 + random.nextDouble());
                    catalogue.add(new Item(id, id, "", CATEGORIES.get(c) + " > Sub" + sub,
                            BigDecimal.valueOf(Math.round(price * 100) / 100.0), "EUR", true, "en", Map.of()));
                    itemIds.add(id);
                }
            }
        }
        items.upsert(catalogue);
        List<Event> all = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            String user = "user-" + u;
            users.add(user);
            for (int e = 0; e < 15; e++) {
                String category = random.nextDouble() < 0.8 ? favourite(user)
                        : CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                String item = category.toLowerCase() + "-" + random.nextInt(2) + "-" + random.nextInt(10);
                Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(30 * 24 * 60)));
                all.add(new Event(user + "-" + e, TYPES[random.nextInt(TYPES.length)], user, item, 1, at));
            }
        }
        events.append(all);
    }

    public static String favourite(String user) {
        return CATEGORIES.get(Integer.parseInt(user.substring(user.indexOf('-') + 1)) % CATEGORIES.size());
    }

    public static String topCategoryOf(String itemId) {
        String prefix = itemId.substring(0, itemId.indexOf('-'));
        return CATEGORIES.stream().filter(c -> c.toLowerCase().equals(prefix)).findFirst().orElseThrow();
    }

    public Map<String, Item> catalogue() {
        return items.asMap();
    }
}
