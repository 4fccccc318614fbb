package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import java.math.BigDecimal;

/**
 * A place on a page where an ad can go.
 *
 * @param id            unique id
 * @param name          display name
 * @param format        creative format it takes
 * @param size          creative size it takes ({@code WIDTHxHEIGHT}), or null for any
 * @param reserveCpm    the floor price per thousand impressions, zero for none
 * @param page          the page (type) it sits on, for example {@code product}, or null for any
 * @param maxAdsPerPage how many ads one page view may show in slots of this page in total, at least 1
 */
public record Slot(String id, String name, String format, String size, BigDecimal reserveCpm, String page,
        int maxAdsPerPage) {

    public Slot {
        id = AdIds.check(id, "id");
        name = name == null || name.isBlank() ? id : name.strip();
        format = Require.nonBlank(format, "format").strip().toLowerCase(java.util.Locale.ROOT);
        size = checkSize(size);
        reserveCpm = reserveCpm == null ? BigDecimal.ZERO : reserveCpm;
        if (reserveCpm.signum() < 0) {
            throw new IllegalArgumentException("reserve must not be negative, was " + reserveCpm.toPlainString());
        }
        page = Require.optional(page);
        Require.positive(maxAdsPerPage, "maxAdsPerPage");
    }

    static String checkSize(String size) {
        String value = Require.optional(size);
        if (value != null && !value.matches("[0-9]{1,5}x[0-9]{1,5}")) {
            throw new IllegalArgumentException("size must be WIDTHxHEIGHT, for example 300x250, was '" + value + "'");
        }
        return value;
    }
}
