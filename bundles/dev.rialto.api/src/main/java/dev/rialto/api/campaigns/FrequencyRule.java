package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.Duration;

/**
 * At most {@code max} deliveries to one profile on a channel within {@code window}, counted across all campaigns.
 *
 * @param channel the delivery channel name, or {@code *} for every channel
 * @param max     at least 1
 * @param window  positive
 */
public record FrequencyRule(String channel, int max, Duration window) {

    public FrequencyRule {
        channel = Require.nonBlank(channel, "channel").strip();
        Require.positive(max, "max");
        Require.nonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
    }

    public boolean appliesTo(String deliveryChannel) {
        return channel.equals("*") || channel.equals(deliveryChannel);
    }
}
