package dev.rialto.api.events;

import dev.rialto.api.common.Require;

/**
 * Where an event happened, for attribution: the channel, and for ad and campaign events the campaign, slot and
 * creative. Every part is optional.
 *
 * @param channel  for example {@code web}, {@code app}, {@code email}, {@code ads}
 * @param campaign the marketing or ad campaign id
 * @param slot     the ad slot id
 * @param creative the ad creative id
 */
public record EventContext(String channel, String campaign, String slot, String creative) {

    public static final EventContext NONE = new EventContext(null, null, null, null);

    public EventContext {
        channel = Require.optional(channel);
        campaign = Require.optional(campaign);
        slot = Require.optional(slot);
        creative = Require.optional(creative);
    }

    public boolean isEmpty() {
        return channel == null && campaign == null && slot == null && creative == null;
    }
}
