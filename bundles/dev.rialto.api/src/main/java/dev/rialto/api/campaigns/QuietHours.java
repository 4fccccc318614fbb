package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Local times during which nothing is delivered. The profile's attribute {@code timezone} (an IANA zone) decides
 * its local time, else {@code zone}. A window may wrap midnight (21:00 to 08:00).
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    public QuietHours {
        Require.nonNull(start, "start");
        Require.nonNull(end, "end");
        Require.nonNull(zone, "zone");
        if (start.equals(end)) {
            throw new IllegalArgumentException("start and end must differ, both were " + start);
        }
    }

    /** Whether the local time of {@code at} falls in the window. */
    public boolean contains(ZonedDateTime at) {
        LocalTime t = at.toLocalTime();
        return start.isBefore(end)
                ? !t.isBefore(start) && t.isBefore(end)
                : !t.isBefore(start) || t.isBefore(end);
    }
}
