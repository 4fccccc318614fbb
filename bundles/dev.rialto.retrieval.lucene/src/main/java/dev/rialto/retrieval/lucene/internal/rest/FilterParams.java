package dev.rialto.retrieval.lucene.internal.rest;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.rialto.api.retrieval.ItemFilter;

/**
 * The filter query parameters shared by search and recommendations: {@code category} (path prefix), {@code brand}
 * (repeatable, or comma-separated), {@code minPrice}, {@code maxPrice} (decimals, inclusive).
 */
final class FilterParams {

    static final int MAX_BRANDS = 50;

    /** A parameter with a bad value; the message names it. */
    static final class BadParameter extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String field;

        BadParameter(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private FilterParams() {
    }

    static ItemFilter filter(String category, List<String> brands, String minPrice, String maxPrice,
            boolean excludePurchased) {
        Set<String> brandSet = new LinkedHashSet<>();
        if (brands != null) {
            for (String value : brands) {
                for (String b : value == null ? new String[0] : value.split(",")) {
                    if (!b.isBlank()) {
                        brandSet.add(b.strip());
                    }
                }
            }
        }
        if (brandSet.size() > MAX_BRANDS) {
            throw new BadParameter("brand", "at most " + MAX_BRANDS + " brands");
        }
        BigDecimal min = price(minPrice, "minPrice");
        BigDecimal max = price(maxPrice, "maxPrice");
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw new BadParameter("minPrice", "minPrice must not exceed maxPrice");
        }
        String prefix = category == null || category.isBlank() ? null : category;
        return new ItemFilter(prefix, Set.of(), true, excludePurchased, brandSet, min, max);
    }

    private static BigDecimal price(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        BigDecimal p;
        try {
            p = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new BadParameter(field, field + " must be a decimal number");
        }
        if (p.signum() < 0) {
            throw new BadParameter(field, field + " must not be negative");
        }
        return p;
    }
}
