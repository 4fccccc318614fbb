package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
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
 * Popular items within the user's top-level categories: popularity times the category's share of the user's
 * recent engagement. Anonymous users and users without history get nothing.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + PopularInCategorySource.NAME)
public final class PopularInCategorySource implements CandidateSource {

    public static final String NAME = "popular-in-category";

    private record Tuning(int historySize, Map<EventType, Double> historyWeights, double halfLifeDays,
            int topCategories, int purchasesLookback) {
    }

    private final PopularityCounters counters;
    private final ItemIndex index;
    private final EventRepository events;
    private volatile Tuning tuning;
    private volatile Lists lists;

    @Activate
    public PopularInCategorySource(@Reference(name = "counters") PopularityCounters counters,
            @Reference(name = "index") ItemIndex index, @Reference(name = "events") EventRepository events) {
        this.counters = counters;
        this.index = index;
        this.events = events;
    }

    /** Rebuilds the category lists for a refreshed reader before it is published, not in a request. */
    private final Consumer<ItemIndex.Arrivals> warm = this::warmLists;

    private void warmLists(ItemIndex.Arrivals arrivals) {
        lists(counters.ranking(), arrivals);
    }

    @Deactivate
    public void deactivate() {
        index.removeWarmer(warm);
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        index.removeWarmer(warm);
        index.addWarmer(warm);
        tuning = new Tuning(Settings.positive(config.history_size(), "history.size"),
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
    public List<Candidate> candidates(CandidateQuery query) {
        if (query.userId() == null) {
            return List.of();
        }
        Tuning t = tuning;
        UserContext user = UserContext.of(query.userId(), events, index);
        Map<String, Double> shares = user.topCategories(t.historySize(), t.historyWeights(), t.halfLifeDays(),
                t.topCategories());
        if (shares.isEmpty()) {
            return List.of();
        }
        Set<String> purchased = PopularCandidateSource.excluded(
                query.filter().excludePurchased() ? user.purchased(t.purchasesLookback()) : Set.of(), query.filter());
        PopularityCounters.Ranking ranking = counters.ranking();
        Lists kept = lists(ranking, null);
        Map<String, int[]> lists = kept.byCategory();
        // Each category's list is in popularity order and its share is constant, so the best n of pop x share
        // are among the first n passing items of each list. Those are the same for every user with this filter:
        // kept per category until the ranking or the index changes, and only the user's purchases and the filter's
        // excluded ids are left out here.
        int n = query.n();
        ItemFilter common = PopularCandidateSource.common(query.filter());
        Heads heads = heads(ranking, index.epoch(), kept);
        List<Candidate> pool = new ArrayList<>();
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            int[] positions = lists.get(e.getKey());
            if (positions == null) {
                continue;
            }
            double share = e.getValue();
            Head head = heads.byKey().get(new HeadKey(e.getKey(), common, n));
            if (head == null) {
                head = firstPassing(ranking, positions, e.getKey(), common, n + HEAD_MARGIN);
                if (heads.byKey().size() >= HEADS_MAX) {
                    heads.byKey().clear();
                }
                heads.byKey().put(new HeadKey(e.getKey(), common, n), head);
            }
            int taken = 0;
            for (int i = 0; i < head.ids().length && taken < n; i++) {
                if (!purchased.contains(head.ids()[i])) {
                    pool.add(new Candidate(head.ids()[i], NAME, 1, head.scores()[i] * share));
                    taken++;
                }
            }
            if (taken < n && !head.complete()) {
                // More purchases than the margin among the head: read further down this category's list.
                pool.subList(pool.size() - taken, pool.size()).clear();
                Head longer = firstPassing(ranking, positions, e.getKey(), common, n + purchased.size());
                taken = 0;
                for (int i = 0; i < longer.ids().length && taken < n; i++) {
                    if (!purchased.contains(longer.ids()[i])) {
                        pool.add(new Candidate(longer.ids()[i], NAME, 1, longer.scores()[i] * share));
                        taken++;
                    }
                }
            }
        }
        pool.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::itemId));
        List<Candidate> out = new ArrayList<>(Math.min(n, pool.size()));
        for (Candidate c : pool) {
            if (out.size() == n) {
                break;
            }
            out.add(new Candidate(c.itemId(), NAME, out.size() + 1, c.score()));
        }
        return out;
    }

    /** Category heads kept now. */
    int keptHeads() {
        return heads.byKey().size();
    }

    /** Items kept past n per category head, so that a user's few purchases can be left out of it. */
    static final int HEAD_MARGIN = 64;

    /** Most category heads kept (categories x filters x quotas). */
    static final int HEADS_MAX = 1024;

    private record HeadKey(String category, ItemFilter filter, int n) {
    }

    /** A category's first passing items, in popularity order; complete when the list had no more. */
    private record Head(String[] ids, double[] scores, boolean complete) {
    }

    /** The heads valid for one ranking, one index state and the category lists they were read from. */
    private record Heads(PopularityCounters.Ranking ranking, long epoch, Lists lists, Map<HeadKey, Head> byKey) {
    }

    private volatile Heads heads = new Heads(null, -1, null, Map.of());

    private Heads heads(PopularityCounters.Ranking ranking, long epoch, Lists lists) {
        Heads h = heads;
        if (h.ranking() != ranking || h.epoch() != epoch || h.lists() != lists) {
            h = new Heads(ranking, epoch, lists, new ConcurrentHashMap<>());
            heads = h;
        }
        return h;
    }

    /** The first {@code limit} items of the category's list that are indexed, of the category and pass the filter. */
    private Head firstPassing(PopularityCounters.Ranking ranking, int[] positions, String category,
            ItemFilter filter, int limit) {
        List<String> ids = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        int chunk = Math.max(64, limit + 16);
        int from = 0;
        for (; from < positions.length && ids.size() < limit; from += chunk) {
            int to = Math.min(positions.length, from + chunk);
            List<String> slice = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                slice.add(ranking.ids().get(positions[i]));
            }
            IndexedItem[] found = index.lookupEach(slice);
            for (int i = from; i < to && ids.size() < limit; i++) {
                IndexedItem item = found[i - from];
                if (item != null && category.equals(item.topCategory()) && item.passes(filter)) {
                    ids.add(item.id());
                    scores.add(ranking.scores()[positions[i]]);
                }
            }
        }
        double[] s = new double[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new Head(ids.toArray(String[]::new), s, ids.size() < limit);
    }

    private record Lists(PopularityCounters.Ranking ranking, ItemIndex.Arrivals arrivals,
            Map<String, int[]> byCategory) {
    }

    /**
     * Per top-level category, the positions of its items in the popularity ranking, best first. Rebuilt when the
     * ranking changed (at most every {@code popular.refresh.ms}), by the request that meets it, and for each
     * refreshed reader by the index's warm-up ({@code arrivals} given: that reader's), never per request.
     */
    private Lists lists(PopularityCounters.Ranking ranking, ItemIndex.Arrivals warming) {
        Lists l = lists;
        if (warming == null && l != null && l.ranking() == ranking) {
            // For this ranking, the index's changes are the warm-up's to follow: it rebuilds the lists for each
            // refreshed reader before the reader is published; the request that came first used to pay that (60 ms
            // and more at 100k items) and the ones behind it waited. An item whose top category changed is left
            // out by firstPassing's category check until then.
            return l;
        }
        ItemIndex.Arrivals arrivals = warming != null ? warming : index.arrivals();
        if (l != null && l.ranking() == ranking && l.arrivals() == arrivals) {
            return l;
        }
        synchronized (this) {
            l = lists;
            if (l != null && l.ranking() == ranking && l.arrivals() == arrivals) {
                return l;
            }
            Map<String, List<Integer>> build = new HashMap<>();
            List<String> ids = ranking.ids();
            for (int i = 0; i < ids.size(); i++) {
                String c = arrivals.topCategoryOf(ids.get(i));
                if (c != null && !c.isEmpty()) {
                    build.computeIfAbsent(c, k -> new ArrayList<>()).add(i);
                }
            }
            Map<String, int[]> byCategory = new HashMap<>(build.size() * 2);
            build.forEach((c, positions) -> byCategory.put(c, positions.stream().mapToInt(Integer::intValue)
                    .toArray()));
            l = new Lists(ranking, arrivals, byCategory);
            lists = l;
            return l;
        }
    }
}
