package dev.rialto.retrieval.lucene.internal.index;

import java.math.BigDecimal;

import dev.rialto.api.retrieval.ItemFilter;

/**
 * The stored fields of one indexed item: what recommendations show, and filters check, without a trip to the
 * database.
 *
 * @param brand    the brand as the item gave it, or null
 * @param language the primary language subtag of the text, {@code en} or {@code zh} for example
 */
public record IndexedItem(String id, String title, String category, boolean available, Double price, String brand,
        String language) {

    /** An English item without a brand. */
    public IndexedItem(String id, String title, String category, boolean available, Double price) {
        this(id, title, category, available, price, null, "en");
    }

    /** The top level of the category path. */
    public String topCategory() {
        int at = category.indexOf(dev.rialto.api.catalog.Item.CATEGORY_SEPARATOR);
        return at < 0 ? category : category.substring(0, at);
    }

    /** Whether the item passes the filter (purchases are the caller's business). */
    public boolean passes(ItemFilter filter) {
        // The price is converted only when the filter looks at it (BigDecimal.valueOf formats the double).
        boolean priced = filter.minPrice() != null || filter.maxPrice() != null;
        return filter.accepts(id, category, available, brand,
                price == null || !priced ? null : BigDecimal.valueOf(price));
    }

    /** Whether its text is indexed in the Chinese fields. */
    public boolean chinese() {
        return ItemIndex.CHINESE.equals(language);
    }
}
