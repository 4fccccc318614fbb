package dev.rialto.retrieval.lucene.internal.index;

/** The stored fields of one indexed item: what recommendations show without a trip to the database. */
public record IndexedItem(String id, String title, String category, boolean available, Double price) {

    /** The top level of the category path. */
    public String topCategory() {
        int at = category.indexOf(dev.rialto.api.catalog.Item.CATEGORY_SEPARATOR);
        return at < 0 ? category : category.substring(0, at);
    }
}
