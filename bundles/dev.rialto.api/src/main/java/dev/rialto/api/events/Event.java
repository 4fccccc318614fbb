package dev.rialto.api.events;

import dev.rialto.api.common.Require;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One behaviour event.
 *
 * @param id        unique id; re-sending an event with a known id stores nothing
 * @param type      what happened
 * @param userId    the (pseudonymous) user
 * @param itemId    the item, required for item events, else may be null
 * @param quantity  units, at least 1
 * @param timestamp when it happened
 * @param query     the search text of a search event, else null
 * @param price     the unit price paid or shown, if known (never negative)
 * @param context   channel, campaign, slot, creative; {@link EventContext#NONE} when unknown
 */
public record Event(String id, EventType type, String userId, String itemId, int quantity, Instant timestamp,
        String query, BigDecimal price, EventContext context) {

    public Event {
        id = Require.nonBlank(id, "id").strip();
        Require.nonNull(type, "type");
        userId = Require.nonBlank(userId, "user").strip();
        itemId = Require.optional(itemId);
        context = context == null ? EventContext.NONE : context;
        if (type.needsItem() && itemId == null && (!type.isAd() || context.creative() == null)) {
            throw new IllegalArgumentException("item must not be blank for a " + type.wireName() + " event"
                    + (type.isAd() ? " without a creative" : ""));
        }
        if (price != null && price.signum() < 0) {
            throw new IllegalArgumentException("price must not be negative, was " + price);
        }
        Require.positive(quantity, "quantity");
        Require.nonNull(timestamp, "timestamp");
        query = Require.optional(query);
    }

    public Event(String id, EventType type, String userId, String itemId, int quantity, Instant timestamp,
            String query) {
        this(id, type, userId, itemId, quantity, timestamp, query, null, EventContext.NONE);
    }

    public Event(String id, EventType type, String userId, String itemId, int quantity, Instant timestamp) {
        this(id, type, userId, itemId, quantity, timestamp, null, null, EventContext.NONE);
    }
}
