package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import dev.rialto.api.rules.ContextField;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;

/**
 * A request for one ad.
 *
 * @param userId     the (pseudonymous) user
 * @param slotId     the slot to fill
 * @param pageViewId the page view the slot is on: one ad per campaign, competitive exclusion and the slot's
 *                   maximum per page count within it; null treats the request as its own page view
 * @param sessionId  the user's session for session caps, or null
 * @param context    page, category, query, device, country ({@code HOUR} and {@code DAY_OF_WEEK} are computed)
 * @param zone       the user's time zone for local time rules, or null for the server's default
 * @param time       when the request happens, or null for now
 */
public record AdRequest(String userId, String slotId, String pageViewId, String sessionId,
        Map<ContextField, String> context, ZoneId zone, Instant time) {

    public static final int MAX_ID_LENGTH = 256;

    public AdRequest {
        userId = Require.nonBlank(userId, "user").strip();
        if (userId.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("user must be at most " + MAX_ID_LENGTH + " characters");
        }
        slotId = AdIds.check(slotId, "slot");
        pageViewId = Require.optional(pageViewId);
        sessionId = Require.optional(sessionId);
        if (pageViewId != null && pageViewId.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("pageView must be at most " + MAX_ID_LENGTH + " characters");
        }
        if (sessionId != null && sessionId.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("session must be at most " + MAX_ID_LENGTH + " characters");
        }
        Map<ContextField, String> copy = new EnumMap<>(ContextField.class);
        if (context != null) {
            context.forEach((k, v) -> {
                String value = Require.optional(v);
                if (k == ContextField.HOUR || k == ContextField.DAY_OF_WEEK) {
                    throw new IllegalArgumentException("context " + k.wireName() + " is computed from time and zone");
                }
                if (value != null) {
                    copy.put(k, value);
                }
            });
        }
        context = Map.copyOf(copy);
    }
}
