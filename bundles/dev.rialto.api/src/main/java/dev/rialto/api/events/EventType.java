package dev.rialto.api.events;

import java.util.Locale;

/** Kinds of behaviour event. The wire name is the lower-case constant name, for example {@code add_to_cart}. */
public enum EventType {
    VIEW, CLICK, ADD_TO_CART, PURCHASE, SEARCH, IMPRESSION, AD_CLICK, EMAIL_OPEN, EMAIL_CLICK, UNSUBSCRIBE, RATING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether events of this type must name an item. */
    public boolean needsItem() {
        return switch (this) {
            case VIEW, CLICK, ADD_TO_CART, PURCHASE, IMPRESSION, AD_CLICK, RATING -> true;
            default -> false;
        };
    }

    /**
     * Parses a wire name, case-insensitive; {@code cart} and {@code add-to-cart} are accepted for
     * {@link #ADD_TO_CART}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    /** Ad events: they name an item or, in their context, a creative. */
    public boolean isAd() {
        return this == IMPRESSION || this == AD_CLICK;
    }

    public static EventType parse(String wire) {
        if (wire == null || wire.isBlank()) {
            throw new IllegalArgumentException("type must not be blank");
        }
        String normal = wire.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (normal.equals("CART")) {
            return ADD_TO_CART;
        }
        try {
            return valueOf(normal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("type '" + wire + "' is not one of view, click, add_to_cart, purchase,"
                    + " search, impression, ad_click, email_open, email_click, unsubscribe, rating");
        }
    }
}
