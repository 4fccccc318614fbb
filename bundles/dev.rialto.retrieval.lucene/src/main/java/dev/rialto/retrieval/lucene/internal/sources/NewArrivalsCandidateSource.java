package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * The items first indexed most recently (the index's {@code first_seen} field), newest first; the score is the
 * first-seen time in epoch millis. For a user with history (and {@code new.arrivals.by.category}), the newest items
 * of the user's top categories come first, then the newest of the rest.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + NewArrivalsCandidateSource.NAME)
public final class NewArrivalsCandidateSource implements CandidateSource {

    public static final String NAME = "new-arrivals";

    private record Tuning(boolean byCategory, int historySize, Map<EventType, Double> historyWeights,
            double halfLifeDays, int topCategories, int purchasesLookback) {
    }

    private final ItemIndex index;
    private final EventRepository events;
    private volatile Tuning tuning;

    @Activate
    public NewArrivalsCandidateSource(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        tuning = new Tuning(config.new_arrivals_by_category(), Settings.positive(config.history_size(), "history.size"),
                Settings.eventWeights(config.history_weights(), "history.weights"),
                Settings.positive(config.history_half_life_days(), "history.half.life.days"),
                Settings.positive(config.popular_category_top(), "popular.category.top"),
                Settings.positive(config.purchases_lookback(), "purchases.lookback"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean personal() {
        return tuning.byCategory(); // the user's own categories first
    }

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        Tuning t = tuning;
        UserContext user = UserContext.of(query.userId(), events, index);
        Set<String> purchased = query.filter().excludePurchased() ? user.purchased(t.purchasesLookback()) : Set.of();
        ItemIndex.Arrivals arrivals = index.arrivals();
        int n = query.n();
        List<Candidate> out = new ArrayList<>(Math.min(n, 256));
        Set<String> taken = new HashSet<>();
        if (t.byCategory() && query.userId() != null) {
            Set<String> categories = user.topCategories(t.historySize(), t.historyWeights(), t.halfLifeDays(),
                    t.topCategories()).keySet();
            List<int[]> lists = new ArrayList<>(categories.size());
            for (String c : categories) {
                int[] positions = arrivals.byTopCategory().get(c);
                if (positions != null) {
                    lists.add(positions);
                }
            }
            if (!lists.isEmpty()) {
                // The newest few of the categories are usually enough: merge only as far as needed.
                int[] head = merged(lists, 2 * n + 64);
                take(arrivals, head, query, purchased, out, taken);
                if (out.size() < n && head.length < total(lists)) {
                    take(arrivals, merged(lists, Integer.MAX_VALUE), query, purchased, out, taken);
                }
            }
        }
        if (out.size() < n) {
            take(arrivals, null, query, purchased, out, taken);
        }
        return out;
    }

    /**
     * The first {@code limit} of the ascending union of disjoint ascending position lists (the categories' items,
     * newest first), by a k-way merge: a category holds thousands of items, a request needs a few hundred.
     */
    static int[] merged(List<int[]> lists, int limit) {
        if (lists.size() == 1) {
            int[] only = lists.get(0);
            return only.length <= limit ? only : Arrays.copyOf(only, limit);
        }
        int size = (int) Math.min(limit, total(lists));
        int[] out = new int[size];
        int[] at = new int[lists.size()];
        for (int o = 0; o < size; o++) {
            int pick = -1;
            for (int l = 0; l < at.length; l++) {
                int[] list = lists.get(l);
                if (at[l] < list.length && (pick < 0 || list[at[l]] < lists.get(pick)[at[pick]])) {
                    pick = l;
                }
            }
            out[o] = lists.get(pick)[at[pick]++];
        }
        return out;
    }

    private static long total(List<int[]> lists) {
        long size = 0;
        for (int[] l : lists) {
            size += l.length;
        }
        return size;
    }

    /**
     * Walks the arrival order (all items, or only the given positions), looking items up in chunks, and appends
     * those passing the filter until {@code query.n()} are taken.
     */
    private void take(ItemIndex.Arrivals arrivals, int[] positions, CandidateQuery query, Set<String> purchased,
            List<Candidate> out, Set<String> taken) {
        int total = positions == null ? arrivals.ids().length : positions.length;
        int n = query.n();
        int chunk = Math.max(64, n - out.size() + 16);
        List<String> ids = new ArrayList<>(chunk);
        for (int from = 0; from < total && out.size() < n; from += chunk) {
            int to = Math.min(total, from + chunk);
            ids.clear();
            for (int i = from; i < to; i++) {
                String id = arrivals.ids()[positions == null ? i : positions[i]];
                if (!taken.contains(id)) {
                    ids.add(id);
                }
            }
            Map<String, IndexedItem> found = index.lookup(ids);
            for (int i = from; i < to && out.size() < n; i++) {
                int p = positions == null ? i : positions[i];
                IndexedItem item = found.get(arrivals.ids()[p]);
                if (item != null && PopularCandidateSource.passes(query.filter(), purchased, item)
                        && taken.add(item.id())) {
                    long seen = arrivals.firstSeen()[p];
                    out.add(new Candidate(item.id(), NAME, out.size() + 1, seen == Long.MIN_VALUE ? 0 : seen));
                }
            }
        }
    }
}
