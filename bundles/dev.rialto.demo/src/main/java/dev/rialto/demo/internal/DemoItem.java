package dev.rialto.demo.internal;

import java.math.BigDecimal;

/**
 * A generated catalogue item.
 *
 * @param top           index of its top-level category in {@link Vocabulary#tops()}
 * @param sub           index of its sub-category within the top-level category
 * @param pricePosition where its price sits in its sub-category's range, 0 (cheapest) to 1, on a log scale
 * @param popularity    its weight within its top-level category (a power law over a random rank)
 */
record DemoItem(String id, String title, String description, String category, BigDecimal price, boolean available,
        String brand, int top, int sub, double pricePosition, double popularity) {
}
