package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
        Map<String, Double> shares = topCategories(query.userId(), t);
        if (shares.isEmpty()) {
            return List.of();
        }
        Set<String> purchased = query.filter().excludePurchased()
                ? UserHistory.purchased(events, query.userId(), t.purchasesLookback()) : Set.of();
        // Popularity only falls along the ranking, so once the n-th best pop x share beats pop x the largest
        // share, nothing further down can enter (the threshold algorithm); selective users stop early.
        int n = query.n();
        double maxShare = shares.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        PriorityQueue<Candidate> best = new PriorityQueue<>(Comparator.comparingDouble(Candidate::score));
        PopularCandidateSource.scan(counters.ranking(), index, n, (item, score) -> {
            if (best.size() == n && score * maxShare <= best.peek().score()) {
                return false;
            }
            Double share = shares.get(item.topCategory());
            if (share != null && PopularCandidateSource.passes(query.filter(), purchased, item)) {
                best.add(new Candidate(item.id(), NAME, 1, score * share));
                if (best.size() > n) {
                    best.poll();
                }
            }
            return true;
        });
        List<Candidate> pool = new ArrayList<>(best);
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

    /** The user's top-level categories by weighted engagement, as shares summing to 1. */
    Map<String, Double> topCategories(String userId, Tuning t) {
        return UserHistory.topCategories(index, UserHistory.itemWeights(
                events.recentForUser(userId, t.historySize()), t.historyWeights(), t.halfLifeDays()),
                t.topCategories());
    }
}
