package dev.rialto.api.catalog;

import dev.rialto.api.common.Require;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A catalogue item.
 *
 * @param id          the shop's item id, unique
 * @param title       the display title
 * @param description free text, may be empty
 * @param category    the category path, levels separated by {@code " > "}, may be empty
 * @param price       the unit price, or null when unknown; never negative
 * @param currency    ISO 4217 code, or null when unknown
 * @param available   whether the item can be sold now
 * @param language    BCP 47 language of the text fields, for example {@code en} or {@code zh}
 * @param attributes  free attributes (colour, size, ...)
 * @param brand       the brand, or null when unknown
 */
public record Item(String id, String title, String description, String category, BigDecimal price,
        String currency, boolean available, String language, Map<String, String> attributes, String brand) {

    public static final String CATEGORY_SEPARATOR = " > ";

    public Item {
        id = Require.nonBlank(id, "id").strip();
        title = Require.nonBlank(title, "title").strip();
        description = description == null ? "" : description.strip();
        category = category == null ? "" : category.strip();
        if (price != null && price.signum() < 0) {
            throw new IllegalArgumentException("price must not be negative, was " + price);
        }
        currency = Require.optional(currency);
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be a 3-letter ISO 4217 code, was '" + currency + "'");
        }
        language = language == null || language.isBlank() ? "en" : language.strip();
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        brand = Require.optional(brand);
    }

    /** An item without a brand (or with the brand as the attribute {@code brand}, as version 1.0 kept it). */
    public Item(String id, String title, String description, String category, BigDecimal price, String currency,
            boolean available, String language, Map<String, String> attributes) {
        this(id, title, description, category, price, currency, available, language, attributes,
                attributes == null ? null : attributes.get("brand"));
    }

    /** The top level of the category path, or the empty string. */
    public String topCategory() {
        int at = category.indexOf(CATEGORY_SEPARATOR);
        return at < 0 ? category : category.substring(0, at);
    }
}
