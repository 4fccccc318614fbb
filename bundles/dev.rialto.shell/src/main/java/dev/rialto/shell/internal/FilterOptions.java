package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.ItemFilter;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The filter options of {@code rialto:search} and {@code rialto:recommend}. */
final class FilterOptions {

    private FilterOptions() {
    }

    /**
     * @param brands   each may hold several, comma-separated
     * @throws IllegalArgumentException naming the option when a price is not a decimal number
     */
    static ItemFilter filter(String categoryPrefix, List<String> brands, String minPrice, String maxPrice,
            boolean excludePurchased) {
        Set<String> brandSet = new LinkedHashSet<>();
        if (brands != null) {
            for (String value : brands) {
                for (String b : value.split(",")) {
                    if (!b.isBlank()) {
                        brandSet.add(b.strip());
                    }
                }
            }
        }
        return new ItemFilter(categoryPrefix, Set.of(), true, excludePurchased, brandSet,
                price(minPrice, "--min-price"), price(maxPrice, "--max-price"));
    }

    private static BigDecimal price(String value, String option) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a decimal number, was '" + value + "'");
        }
    }
}
