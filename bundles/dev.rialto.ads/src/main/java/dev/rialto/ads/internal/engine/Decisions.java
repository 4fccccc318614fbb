package dev.rialto.ads.internal.engine;

import dev.rialto.api.ads.AdPlacement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent filled decisions, so that impressions and clicks can be recorded against them by id. Bounded and aged
 * out; a decision older than the time to live can no longer be recorded (stale or replayed beacons).
 */
public final class Decisions {

    /** A filled decision awaiting its impression and click; flags guarded by itself. */
    public static final class Pending {
        final String id;
        final String userId;
        final String slotId;
        final String sessionId;
        final AdPlacement placement;
        final Instant decidedAt;
        final String device;
        boolean impressed;
        boolean clicked;

        Pending(String id, String userId, String slotId, String sessionId, AdPlacement placement, Instant decidedAt,
                String device) {
            this.id = id;
            this.userId = userId;
            this.slotId = slotId;
            this.sessionId = sessionId;
            this.placement = placement;
            this.decidedAt = decidedAt;
            this.device = device;
        }
    }

    private final Map<String, Pending> pending;
    private final Duration ttl;

    public Decisions(int max, Duration ttl) {
        this.ttl = ttl;
        pending = new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
                return size() > max;
            }
        };
    }

    public void put(String id, String userId, String slotId, String sessionId, AdPlacement placement, Instant at,
            String device) {
        synchronized (pending) {
            pending.put(id, new Pending(id, userId, slotId, sessionId, placement, at, device));
        }
    }

    /** The pending decision, or null when unknown or older than the time to live at {@code now}. */
    public Pending get(String id, Instant now) {
        Pending p;
        synchronized (pending) {
            p = pending.get(id);
        }
        if (p == null || now.isAfter(p.decidedAt.plus(ttl))) {
            return null;
        }
        return p;
    }
}
