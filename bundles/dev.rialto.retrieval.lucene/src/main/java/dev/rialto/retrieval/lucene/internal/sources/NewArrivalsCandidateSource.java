package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import dev.rialto.api.retrieval.ItemFilter;
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
        Ask ask = ask(query);
        // The answer without this user's exclusions depends on the categories, the filter and n only: kept for
        // the index's current arrivals and shared by every user with the same top categories (a campaign asks
        // for each of its recipients). The exclusions are left out of the kept head per request.
        long epoch = index.epoch(); // read before looking items up: a write meanwhile leaves the head stale
        ItemIndex.Arrivals arrivals = index.arrivals();
        int n = query.n();
        if (!ask.categories().isEmpty()) {
            List<Candidate> merged = fromRuns(arrivals, epoch, ask, n);
            if (merged != null) {
                mergedAnswers.incrementAndGet();
                return merged;
            }
        }
        Key key = new Key(ask.categories(), ask.common(), n);
        Head head = heads.get(arrivals, epoch, key);
        if (head == null) {
            head = first(arrivals, ask.categories(), ask.common(), Set.of(), n + MARGIN);
            heads.put(arrivals, epoch, key, head);
        }
        List<Candidate> out = take(head, ask.excluded(), n);
        if (out.size() < n && !head.complete()) {
            out = take(first(arrivals, ask.categories(), ask.common(), ask.excluded(), n), Set.of(), n);
        }
        return out;
    }

    /** The answer walked afresh, without kept heads (tests compare the two). */
    List<Candidate> walked(CandidateQuery query) {
        Ask ask = ask(query);
        return take(first(index.arrivals(), ask.categories(), ask.common(), ask.excluded(), query.n()), Set.of(),
                query.n());
    }

    /** Heads kept now. */
    int keptHeads() {
        return heads.size();
    }

    /** A request as the walk sees it: the user's top categories, the filter without exclusions, the exclusions. */
    private record Ask(List<String> categories, ItemFilter common, Set<String> excluded) {
    }

    private Ask ask(CandidateQuery query) {
        Tuning t = tuning;
        UserContext user = UserContext.of(query.userId(), events, index);
        ItemFilter f = query.filter();
        Set<String> excluded = PopularCandidateSource.excluded(
                f.excludePurchased() ? user.purchased(t.purchasesLookback()) : Set.of(), f);
        List<String> categories = List.of();
        if (t.byCategory() && query.userId() != null) {
            categories = new ArrayList<>(user.topCategories(t.historySize(), t.historyWeights(), t.halfLifeDays(),
                    t.topCategories()).keySet());
            Collections.sort(categories); // the merge is by arrival: the categories' order does not matter
        }
        return new Ask(categories, PopularCandidateSource.common(f), excluded);
    }

    /**
     * The first passing items of one top category ({@code category}), or of the whole arrival order (null), with
     * their arrival positions and top categories; complete: nothing else passes.
     */
    private record Run(int[] positions, String[] ids, long[] seen, String[] categories, boolean complete) {
    }

    private record RunKey(String category, ItemFilter filter, int n) {
    }

    /** Runs of one arrival order and index epoch, as {@link Heads}. Few: categories x filters x quotas. */
    private static final class Runs {
        private ItemIndex.Arrivals arrivals;
        private long epoch;
        private final Map<RunKey, Run> byKey = new HashMap<>();

        synchronized Run get(ItemIndex.Arrivals current, long currentEpoch, RunKey key) {
            return arrivals == current && epoch == currentEpoch ? byKey.get(key) : null;
        }

        synchronized void put(ItemIndex.Arrivals current, long currentEpoch, RunKey key, Run run) {
            if (arrivals != current || epoch != currentEpoch || byKey.size() >= MAX_HEADS) {
                arrivals = current;
                epoch = currentEpoch;
                byKey.clear();
            }
            byKey.put(key, run);
        }
    }

    private final Runs runs = new Runs();

    /** Answers merged from the kept runs (tests check that the path is taken). */
    final java.util.concurrent.atomic.AtomicLong mergedAnswers = new java.util.concurrent.atomic.AtomicLong();

    private Run run(ItemIndex.Arrivals arrivals, long epoch, String category, ItemFilter filter, int n, int limit) {
        RunKey key = new RunKey(category, filter, n);
        Run run = runs.get(arrivals, epoch, key);
        if (run == null) {
            Walk walk = new Walk(arrivals, filter, Set.of(), limit);
            walk.take(category == null ? null : arrivals.byTopCategory().get(category));
            int size = walk.ids.size();
            run = new Run(Arrays.copyOf(walk.takenAt, size), walk.ids.toArray(String[]::new),
                    Arrays.copyOf(walk.seen, size), walk.categories.toArray(String[]::new), !walk.full());
            runs.put(arrivals, epoch, key, run);
        }
        return run;
    }

    /**
     * The answer from kept runs, when they suffice: the user's categories' runs merged by arrival (each kept per
     * category, so users with different sets of categories share them; a head per set of categories was kept for
     * only 1,024 sets, and the demo shop's users have more), then the newest of the rest from the run of the
     * whole order. Null when a run ran out before the answer was known (more exclusions than the margin, or the
     * user's categories crowd the newest items): the caller walks.
     */
    private List<Candidate> fromRuns(ItemIndex.Arrivals arrivals, long epoch, Ask ask, int n) {
        List<Run> mine = new ArrayList<>(ask.categories().size());
        for (String c : ask.categories()) {
            if (arrivals.byTopCategory().get(c) != null) {
                mine.add(run(arrivals, epoch, c, ask.common(), n, n + MARGIN));
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        Set<String> excluded = ask.excluded();
        List<Candidate> out = new ArrayList<>(n);
        int[] at = new int[mine.size()];
        while (out.size() < n) {
            int pick = -1;
            for (int l = 0; l < at.length; l++) {
                Run r = mine.get(l);
                if (at[l] == r.ids().length) {
                    if (!r.complete()) {
                        return null; // what follows this run's head is unknown
                    }
                } else if (pick < 0 || r.positions()[at[l]] < mine.get(pick).positions()[at[pick]]) {
                    pick = l;
                }
            }
            if (pick < 0) {
                break;
            }
            Run r = mine.get(pick);
            int i = at[pick]++;
            if (!excluded.contains(r.ids()[i])) {
                out.add(candidate(r.ids()[i], r.seen()[i], out.size() + 1));
            }
        }
        if (out.size() < n) {
            // Every item of the user's categories is listed: the newest of the other categories follow.
            Run all = run(arrivals, epoch, null, ask.common(), n, 2 * n + MARGIN);
            Set<String> chosen = Set.copyOf(ask.categories());
            int i = 0;
            for (; i < all.ids().length && out.size() < n; i++) {
                if (!chosen.contains(all.categories()[i]) && !excluded.contains(all.ids()[i])) {
                    out.add(candidate(all.ids()[i], all.seen()[i], out.size() + 1));
                }
            }
            if (out.size() < n && !all.complete()) {
                return null;
            }
        }
        return out;
    }

    private static Candidate candidate(String id, long seen, int rank) {
        return new Candidate(id, NAME, rank, seen == Long.MIN_VALUE ? 0 : seen);
    }

    /** Items kept past n, so that a user's purchases and exclusions can be left out of a kept head. */
    static final int MARGIN = 64;

    /** Most heads kept (category sets x filters x n), least recently used out first. */
    static final int MAX_HEADS = 1024;

    private record Key(List<String> categories, ItemFilter filter, int n) {
    }

    /** The first passing items in answer order with their first-seen times; complete: nothing passes after. */
    private record Head(String[] ids, long[] seen, boolean complete) {
    }

    /**
     * Heads of one arrival order (one index reader) and index epoch (moved when an item write is searchable): after either, the
     * heads start over.
     */
    private static final class Heads {
        private ItemIndex.Arrivals arrivals;
        private long epoch;
        private final Map<Key, Head> byKey = new LinkedHashMap<>(64, 0.75f, true);

        synchronized Head get(ItemIndex.Arrivals current, long currentEpoch, Key key) {
            return arrivals == current && epoch == currentEpoch ? byKey.get(key) : null;
        }

        synchronized int size() {
            return byKey.size();
        }

        synchronized void put(ItemIndex.Arrivals current, long currentEpoch, Key key, Head head) {
            if (arrivals != current || epoch != currentEpoch) {
                arrivals = current;
                epoch = currentEpoch;
                byKey.clear();
            }
            byKey.put(key, head);
            if (byKey.size() > MAX_HEADS) {
                byKey.remove(byKey.keySet().iterator().next());
            }
        }
    }

    private final Heads heads = new Heads();

    private static List<Candidate> take(Head head, Set<String> excluded, int n) {
        List<Candidate> out = new ArrayList<>(Math.min(n, head.ids().length));
        for (int i = 0; i < head.ids().length && out.size() < n; i++) {
            if (!excluded.contains(head.ids()[i])) {
                long seen = head.seen()[i];
                out.add(new Candidate(head.ids()[i], NAME, out.size() + 1, seen == Long.MIN_VALUE ? 0 : seen));
            }
        }
        return out;
    }

    /**
     * The first {@code limit} items passing the filter and not excluded: the newest of the categories first, then
     * the newest of the rest.
     */
    private Head first(ItemIndex.Arrivals arrivals, List<String> categories, ItemFilter filter, Set<String> excluded,
            int limit) {
        Walk walk = new Walk(arrivals, filter, excluded, limit);
        if (!categories.isEmpty()) {
            List<int[]> lists = new ArrayList<>(categories.size());
            for (String c : categories) {
                int[] positions = arrivals.byTopCategory().get(c);
                if (positions != null) {
                    lists.add(positions);
                }
            }
            if (!lists.isEmpty()) {
                // The newest few of the categories are usually enough: merge only as far as needed.
                int[] head = merged(lists, 2 * limit + 64);
                walk.take(head);
                if (!walk.full() && head.length < total(lists)) {
                    walk.take(merged(lists, Integer.MAX_VALUE));
                }
            }
        }
        if (!walk.full()) {
            walk.take(null);
        }
        return new Head(walk.ids.toArray(String[]::new), Arrays.copyOf(walk.seen, walk.ids.size()), !walk.full());
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
     * Walks the arrival order (all items, or only the given positions), looking items up in chunks, and keeps
     * those passing the filter until {@code limit} are taken.
     */
    private final class Walk {
        final ItemIndex.Arrivals arrivals;
        final ItemFilter filter;
        final Set<String> excluded;
        final int limit;
        final List<String> ids = new ArrayList<>();
        final List<String> categories = new ArrayList<>();
        long[] seen = new long[16];
        int[] takenAt = new int[16]; // arrival positions of the taken items
        final Set<String> taken = new HashSet<>();

        Walk(ItemIndex.Arrivals arrivals, ItemFilter filter, Set<String> excluded, int limit) {
            this.arrivals = arrivals;
            this.filter = filter;
            this.excluded = excluded;
            this.limit = limit;
        }

        boolean full() {
            return ids.size() >= limit;
        }

        void take(int[] positions) {
            int total = positions == null ? arrivals.ids().length : positions.length;
            int chunk = Math.max(64, limit - ids.size() + 16);
            List<String> batch = new ArrayList<>(chunk);
            for (int from = 0; from < total && !full(); from += chunk) {
                int to = Math.min(total, from + chunk);
                batch.clear();
                for (int i = from; i < to; i++) {
                    String id = arrivals.ids()[positions == null ? i : positions[i]];
                    if (!taken.contains(id)) {
                        batch.add(id);
                    }
                }
                Map<String, IndexedItem> found = index.lookup(batch);
                for (int i = from; i < to && !full(); i++) {
                    int p = positions == null ? i : positions[i];
                    IndexedItem item = found.get(arrivals.ids()[p]);
                    if (item != null && PopularCandidateSource.passes(filter, excluded, item)
                            && taken.add(item.id())) {
                        if (ids.size() == seen.length) {
                            seen = Arrays.copyOf(seen, seen.length * 2);
                            takenAt = Arrays.copyOf(takenAt, takenAt.length * 2);
                        }
                        seen[ids.size()] = arrivals.firstSeen()[p];
                        takenAt[ids.size()] = p;
                        categories.add(item.topCategory());
                        ids.add(item.id());
                    }
                }
            }
        }
    }
}
