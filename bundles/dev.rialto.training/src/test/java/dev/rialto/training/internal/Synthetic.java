package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A store where category tastes drive behaviour: each user has one or two favourite categories and picks from
 * them 85% of the time; within a category, items follow a Zipf-like popularity.
 */
final class Synthetic {
    static final int CATEGORIES = 20;
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final List<Item> items = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    Synthetic(int users, int itemCount, int eventCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<String>> byCategory = new ArrayList<>();
        for (int c = 0; c < CATEGORIES; c++) {
            byCategory.add(new ArrayList<>());
        }
        for (int i = 0; i < itemCount; i++) {
            int c = i % CATEGORIES;
            String id = String.format("item-%05d", i);
            items.add(new Item(id, "Item " + i, "", "cat" + c + " > sub" + (i % 3),
                    BigDecimal.valueOf(5 + random.nextInt(95)), "EUR", true, "en", null));
            byCategory.get(c).add(id);
        }
        // Cumulative Zipf weights per position inside a category.
        int perCategory = byCategory.get(0).size();
        double[] cumulative = new double[perCategory];
        double sum = 0;
        for (int r = 0; r < perCategory; r++) {
            sum += 1 / Math.pow(r + 1, 0.8);
            cumulative[r] = sum;
        }
        int[][] tastes = new int[users][];
        for (int u = 0; u < users; u++) {
            int first = random.nextInt(CATEGORIES);
            tastes[u] = random.nextBoolean() ? new int[] {first} : new int[] {first, random.nextInt(CATEGORIES)};
        }
        long span = Duration.ofDays(90).toMillis();
        for (int e = 0; e < eventCount; e++) {
            int u = random.nextInt(users);
            int c = random.nextDouble() < 0.85 ? tastes[u][random.nextInt(tastes[u].length)]
                    : random.nextInt(CATEGORIES);
            List<String> pool = byCategory.get(c);
            double x = random.nextDouble() * cumulative[Math.min(pool.size(), perCategory) - 1];
            int r = 0;
            while (r < pool.size() - 1 && cumulative[r] < x) {
                r++;
            }
            double t = random.nextDouble();
            EventType type = t < 0.70 ? EventType.VIEW : t < 0.85 ? EventType.CLICK
                    : t < 0.95 ? EventType.ADD_TO_CART : EventType.PURCHASE;
            events.add(new Event("e" + e, type, String.format("user-%04d", u), pool.get(r), 1,
                    START.plusMillis((long) (random.nextDouble() * span))));
        }
    }
}
