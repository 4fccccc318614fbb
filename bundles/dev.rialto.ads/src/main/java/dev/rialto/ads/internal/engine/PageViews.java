package dev.rialto.ads.internal.engine;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What each recent page view already shows: its campaigns, their competitive labels and the number of ads. Bounded
 * LRU: a page view that is evicted (hours later) starts empty again.
 */
public final class PageViews {

    /** One page view's ads; guarded by itself. */
    public static final class Page {
        final Set<String> campaigns = new HashSet<>();
        final Set<String> labels = new HashSet<>();
        int ads;

        public synchronized Set<String> campaigns() {
            return Set.copyOf(campaigns);
        }

        public synchronized Set<String> labels() {
            return Set.copyOf(labels);
        }

        public synchronized int ads() {
            return ads;
        }

        public synchronized void add(String campaign, Set<String> campaignLabels) {
            campaigns.add(campaign);
            labels.addAll(campaignLabels);
            ads++;
        }
    }

    private final Map<String, Page> pages;

    public PageViews(int maxPages) {
        pages = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Page> eldest) {
                return size() > maxPages;
            }
        };
    }

    /** The page of the user's page view; a fresh one for a null page view id (a request on its own). */
    public Page page(String user, String pageViewId) {
        if (pageViewId == null) {
            return new Page();
        }
        String key = user + '\u0000' + pageViewId;
        synchronized (pages) {
            return pages.computeIfAbsent(key, k -> new Page());
        }
    }
}
