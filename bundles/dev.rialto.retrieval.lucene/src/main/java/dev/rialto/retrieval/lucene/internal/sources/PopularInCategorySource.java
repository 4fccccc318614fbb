package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
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

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
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
        Set<String> purchased = query.filter().excludePurchased() ? user.purchased(t.purchasesLookback()) : Set.of();
        PopularityCounters.Ranking ranking = counters.ranking();
        Map<String, int[]> lists = lists(ranking);
        // Each category's list is in popularity order and its share is constant, so the best n of pop x share
        // are among the first n passing items of each list: read those and merge.
        int n = query.n();
        List<Candidate> pool = new ArrayList<>();
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            int[] positions = lists.get(e.getKey());
            if (positions == null) {
                continue;
            }
            double share = e.getValue();
            int taken = 0;
            int chunk = Math.max(64, n + 16);
            for (int from = 0; from < positions.length && taken < n; from += chunk) {
                int to = Math.min(positions.length, from + chunk);
                List<String> ids = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    ids.add(ranking.ids().get(positions[i]));
                }
                IndexedItem[] found = index.lookupEach(ids);
                for (int i = from; i < to && taken < n; i++) {
                    IndexedItem item = found[i - from];
                    if (item != null && e.getKey().equals(item.topCategory())
                            && PopularCandidateSource.passes(query.filter(), purchased, item)) {
                        pool.add(new Candidate(item.id(), NAME, 1, ranking.scores()[positions[i]] * share));
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

    private record Lists(PopularityCounters.Ranking ranking, ItemIndex.Arrivals arrivals,
            Map<String, int[]> byCategory) {
    }

    /**
     * Per top-level category, the positions of its items in the popularity ranking, best first. Rebuilt only when
     * the ranking (at most every {@code popular.refresh.ms}) or the index (each refresh) changed, not per request.
     */
    private Map<String, int[]> lists(PopularityCounters.Ranking ranking) {
        ItemIndex.Arrivals arrivals = index.arrivals();
        Lists l = lists;
        if (l != null && l.ranking() == ranking && l.arrivals() == arrivals) {
            return l.byCategory();
        }
        synchronized (this) {
            l = lists;
            if (l != null && l.ranking() == ranking && l.arrivals() == arrivals) {
                return l.byCategory();
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
            lists = new Lists(ranking, arrivals, byCategory);
            return byCategory;
        }
    }
}
