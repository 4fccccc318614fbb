package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Restrictions on which items may be returned.
 *
 * @param categoryPrefix    only items whose category path starts with this, or null for all
 * @param excludeItemIds    items never to return
 * @param availableOnly     only items that are available
 * @param excludePurchased  leave out items the user already bought (a per-request choice: on repeat-purchase
 *                          shops "buy again" is what users want)
 * @param brands            only items of one of these brands (compared ignoring case and surrounding blanks), or
 *                          empty for all; an item without a brand never passes a brand restriction
 * @param minPrice          only items priced at least this, or null; an item without a price never passes
 * @param maxPrice          only items priced at most this, or null; an item without a price never passes
 * @since 1.3
 */
public record ItemFilter(String categoryPrefix, Set<String> excludeItemIds, boolean availableOnly,
        boolean excludePurchased, Set<String> brands, BigDecimal minPrice, BigDecimal maxPrice) {

    /** Available items only, nothing else excluded. */
    public static final ItemFilter DEFAULT = new ItemFilter(null, Set.of(), true, false);

    public ItemFilter {
        categoryPrefix = Require.optional(categoryPrefix);
        excludeItemIds = excludeItemIds == null ? Set.of() : Set.copyOf(excludeItemIds);
        if (brands == null) {
            brands = Set.of();
        } else {
            Set<String> clean = new LinkedHashSet<>();
            for (String b : brands) {
                if (b == null || b.isBlank()) {
                    throw new IllegalArgumentException("brands must not contain a blank brand");
                }
                clean.add(b.strip());
            }
            brands = Set.copyOf(clean);
        }
        if (minPrice != null && minPrice.signum() < 0) {
            throw new IllegalArgumentException("minPrice must not be negative, was " + minPrice);
        }
        if (maxPrice != null && maxPrice.signum() < 0) {
            throw new IllegalArgumentException("maxPrice must not be negative, was " + maxPrice);
        }
        if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
            throw new IllegalArgumentException("minPrice (" + minPrice + ") must not exceed maxPrice (" + maxPrice
                    + ")");
        }
    }

    /** A filter without brand or price restriction (the 1.0 to 1.2 shape). */
    public ItemFilter(String categoryPrefix, Set<String> excludeItemIds, boolean availableOnly,
            boolean excludePurchased) {
        this(categoryPrefix, excludeItemIds, availableOnly, excludePurchased, Set.of(), null, null);
    }

    /** The key brands are compared by: stripped, lower case; null for a null or blank brand. */
    public static String brandKey(String brand) {
        return brand == null || brand.isBlank() ? null : brand.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the filter restricts brand or price (then a check needs the item's brand and price). */
    public boolean restrictsBrandOrPrice() {
        return !brands.isEmpty() || minPrice != null || maxPrice != null;
    }

    /** This filter with more ids excluded. */
    public ItemFilter excluding(Collection<String> more) {
        if (more == null || more.isEmpty()) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(excludeItemIds);
        all.addAll(more);
        return new ItemFilter(categoryPrefix, all, availableOnly, excludePurchased, brands, minPrice, maxPrice);
    }

    /** This filter with {@code excludePurchased} set as given. */
    public ItemFilter withExcludePurchased(boolean value) {
        return value == excludePurchased ? this
                : new ItemFilter(categoryPrefix, excludeItemIds, availableOnly, value, brands, minPrice, maxPrice);
    }

    /**
     * Whether an item with these properties passes this filter, brand and price unknown: an item fails a brand or
     * price restriction (purchases are checked by the caller).
     */
    public boolean accepts(String itemId, String category, boolean available) {
        return accepts(itemId, category, available, null, null);
    }

    /**
     * Whether an item with these properties passes this filter (purchases are checked by the caller).
     *
     * @param brand the item's brand, or null when it has none
     * @param price the item's price, or null when unknown
     */
    public boolean accepts(String itemId, String category, boolean available, String brand, BigDecimal price) {
        if (availableOnly && !available) {
            return false;
        }
        if (excludeItemIds.contains(itemId)) {
            return false;
        }
        if (categoryPrefix != null && (category == null || !category.startsWith(categoryPrefix))) {
            return false;
        }
        if (!brands.isEmpty()) {
            String key = brandKey(brand);
            if (key == null || brands.stream().noneMatch(b -> brandKey(b).equals(key))) {
                return false;
            }
        }
        if (minPrice != null || maxPrice != null) {
            if (price == null) {
                return false;
            }
            if (minPrice != null && price.compareTo(minPrice) < 0) {
                return false;
            }
            if (maxPrice != null && price.compareTo(maxPrice) > 0) {
                return false;
            }
        }
        return true;
    }
}
