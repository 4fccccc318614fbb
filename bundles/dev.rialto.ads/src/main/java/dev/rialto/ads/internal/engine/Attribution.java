package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Last-touch attribution of purchases to ads: the user's latest click within the click window before the purchase,
 * else the latest impression within the view window. Each user's recent clicks and impressions are loaded from the
 * delivery log on first use (so attribution holds across restarts) and kept in a bounded LRU; purchase event ids
 * already attributed are remembered so a re-sent event is not counted twice.
 */
final class Attribution {

    /** The touch a conversion is credited to. */
    record Touch(Delivery.Kind kind, Instant at, String decisionId, String campaign, String creative, String slot,
            String session) {
    }

    /** A user's touches since {@code loadedSince}, oldest first; guarded by itself. */
    private static final class History {
        final ArrayDeque<Touch> touches = new ArrayDeque<>();
        Instant loadedSince;
    }

    private final BiFunction<String, Instant, Iterable<Delivery>> clicks;
    private final BiFunction<String, Instant, Iterable<Delivery>> impressions;
    private final Duration clickWindow;
    private final Duration viewWindow;
    private final Duration keep;
    private final Map<String, History> users;
    private final Set<String> attributed;

    Attribution(BiFunction<String, Instant, Iterable<Delivery>> clicks,
            BiFunction<String, Instant, Iterable<Delivery>> impressions, Duration clickWindow, Duration viewWindow,
            int maxUsers) {
        this.clicks = clicks;
        this.impressions = impressions;
        this.clickWindow = clickWindow;
        this.viewWindow = viewWindow;
        this.keep = clickWindow.compareTo(viewWindow) >= 0 ? clickWindow : viewWindow;
        this.users = lru(maxUsers);
        this.attributed = java.util.Collections.newSetFromMap(lru(maxUsers));
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    private History history(String user, Instant now) {
        Instant since = now.minus(keep);
        History h;
        synchronized (users) {
            h = users.computeIfAbsent(user, k -> new History());
        }
        synchronized (h) {
            if (h.loadedSince == null || since.isBefore(h.loadedSince)) {
                java.util.List<Touch> all = new java.util.ArrayList<>();
                for (Delivery d : impressions.apply(user, since)) {
                    all.add(touch(d));
                }
                for (Delivery d : clicks.apply(user, since)) {
                    all.add(touch(d));
                }
                all.sort(java.util.Comparator.comparing(Touch::at));
                h.touches.clear();
                h.touches.addAll(all);
                h.loadedSince = since;
            }
        }
        return h;
    }

    private static Touch touch(Delivery d) {
        return new Touch(d.kind(), d.at(), d.decisionId(), d.campaignId(), d.creativeId(), d.slotId(), d.sessionId());
    }

    /** Adds a click or impression for a user already in memory (others read it from the log when needed). */
    void add(String user, Touch touch) {
        History h;
        synchronized (users) {
            h = users.get(user);
        }
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (h.loadedSince == null) {
                return;
            }
            h.touches.add(touch);
            Instant horizon = touch.at().minus(keep);
            for (Iterator<Touch> it = h.touches.iterator(); it.hasNext();) {
                if (it.next().at().isBefore(horizon)) {
                    it.remove();
                } else {
                    break;
                }
            }
        }
    }

    /**
     * The touch credited with a purchase at {@code at}, or null when none qualifies or the purchase event was
     * attributed before. Marks the event as attributed.
     */
    Touch attribute(String eventId, String user, Instant at) {
        synchronized (attributed) {
            if (!attributed.add(eventId)) {
                return null;
            }
        }
        History h = history(user, at);
        Touch lastClick = null;
        Touch lastView = null;
        synchronized (h) {
            for (Touch t : h.touches) {
                if (t.at().isAfter(at)) {
                    break;
                }
                if (t.kind() == Delivery.Kind.CLICK && !t.at().isBefore(at.minus(clickWindow))) {
                    lastClick = t;
                } else if (t.kind() == Delivery.Kind.IMPRESSION && !t.at().isBefore(at.minus(viewWindow))) {
                    lastView = t;
                }
            }
        }
        return lastClick != null ? lastClick : lastView;
    }
}
