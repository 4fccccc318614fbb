package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.store.Delivery;
import dev.rialto.api.ads.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Each user's recent impressions, for frequency caps. Loaded from the delivery log on first use, so caps hold
 * across restarts; a bounded LRU in memory (an evicted user is read again from the log).
 */
public final class FrequencyCaps {

    /** One impression as caps need it. */
    record Seen(Instant at, String campaign, String creative, String session) {
    }

    /** A user's impressions since {@code loadedSince}, oldest first; guarded by itself. */
    static final class History {
        final ArrayDeque<Seen> seen = new ArrayDeque<>();
        Instant loadedSince;
    }

    private final BiFunction<String, Instant, Iterable<Delivery>> loader;
    private final Map<String, History> users;

    /** @param loader the store's impressions of a user since an instant */
    public FrequencyCaps(BiFunction<String, Instant, Iterable<Delivery>> loader, int maxUsers) {
        this.loader = loader;
        this.users = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
                return size() > maxUsers;
            }
        };
    }

    private History history(String user, Instant since) {
        History h;
        synchronized (users) {
            h = users.computeIfAbsent(user, k -> new History());
        }
        synchronized (h) {
            if (h.loadedSince == null || since.isBefore(h.loadedSince)) {
                h.seen.clear();
                for (Delivery d : loader.apply(user, since)) {
                    h.seen.add(new Seen(d.at(), d.campaignId(), d.creativeId(), d.sessionId()));
                }
                h.loadedSince = since;
            }
        }
        return h;
    }

    /**
     * The user's impressions since {@code now - keep} grouped by campaign: taken once per decision, so that the
     * caps of many candidates cost a look-up each, not a walk over the user's history.
     */
    public Map<String, List<Seen>> byCampaign(String user, Instant now, Duration keep) {
        History h = history(user, now.minus(keep));
        Map<String, List<Seen>> out = new HashMap<>();
        synchronized (h) {
            for (Seen s : h.seen) {
                if (!s.at.isAfter(now)) {
                    out.computeIfAbsent(s.campaign, k -> new ArrayList<>()).add(s);
                }
            }
        }
        return out;
    }

    /**
     * How many of the campaign's impressions (from {@link #byCampaign}) count against the cap: of the creative or
     * the campaign within the cap's window, or of the campaign in the session (0 without a session).
     */
    public static int count(List<Seen> seen, FrequencyCap cap, String creative, String session, Instant now) {
        if (cap.scope() == FrequencyCap.Scope.SESSION && session == null) {
            return 0;
        }
        Instant since = cap.window() == null ? Instant.MIN : now.minus(cap.window());
        int count = 0;
        for (Seen s : seen) {
            if (s.at.isBefore(since)) {
                continue;
            }
            boolean counts = switch (cap.scope()) {
                case CREATIVE -> s.creative.equals(creative);
                case CAMPAIGN -> true;
                case SESSION -> Objects.equals(session, s.session);
            };
            if (counts) {
                count++;
            }
        }
        return count;
    }

    /** Adds an impression to a user already in memory (others read it from the log when needed). */
    public void add(String user, Instant at, String campaign, String creative, String session, Duration keep) {
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
            h.seen.add(new Seen(at, campaign, creative, session));
            Instant horizon = at.minus(keep);
            for (Iterator<Seen> it = h.seen.iterator(); it.hasNext();) {
                if (it.next().at.isBefore(horizon)) {
                    it.remove();
                } else {
                    break;
                }
            }
            if (horizon.isAfter(h.loadedSince)) {
                h.loadedSince = horizon;
            }
        }
    }
}
