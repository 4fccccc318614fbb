package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;
import java.util.Set;

/**
 * Restrictions on which items may be returned.
 *
 * @param categoryPrefix    only items whose category path starts with this, or null for all
 * @param excludeItemIds    items never to return
 * @param availableOnly     only items that are available
 * @param excludePurchased  leave out items the user already bought (a per-request choice: on repeat-purchase
 *                          shops "buy again" is what users want)
 */
public record ItemFilter(String categoryPrefix, Set<String> excludeItemIds, boolean availableOnly,
        boolean excludePurchased) {

    /** Available items only, nothing else excluded. */
    public static final ItemFilter DEFAULT = new ItemFilter(null, Set.of(), true, false);

    public ItemFilter {
        categoryPrefix = Require.optional(categoryPrefix);
        excludeItemIds = excludeItemIds == null ? Set.of() : Set.copyOf(excludeItemIds);
    }

    /** Whether an item with these properties passes this filter (purchases are checked by the caller). */
    public boolean accepts(String itemId, String category, boolean available) {
        if (availableOnly && !available) {
            return false;
        }
        if (excludeItemIds.contains(itemId)) {
            return false;
        }
        return categoryPrefix == null || (category != null && category.startsWith(categoryPrefix));
    }
}
