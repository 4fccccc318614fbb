package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.HashMap;
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
 * Items bought or viewed together with the user's recent items: for each of the user's heaviest recent items (the
 * seeds, weighted as in the history), its co-visited neighbours; an item's score is the sum over seeds of the seed's
 * weight times the pair's decayed co-visitation weight. Anonymous users and users without history get nothing.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + CoVisitationCandidateSource.NAME)
public final class CoVisitationCandidateSource implements CandidateSource {

    public static final String NAME = "co-visitation";

    private record Tuning(int historySize, Map<EventType, Double> historyWeights, double halfLifeDays, int seeds,
            boolean excludeSeen, int purchasesLookback) {
    }

    private final PopularityCounters counters;
    private final ItemIndex index;
    private final EventRepository events;
    private volatile Tuning tuning;

    @Activate
    public CoVisitationCandidateSource(@Reference(name = "counters") PopularityCounters counters,
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
                Settings.positive(config.covisit_seeds(), "covisit.seeds"), config.covisit_exclude_seen(),
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
        Map<String, Double> history = user.itemWeights(t.historySize(), t.historyWeights(), t.halfLifeDays());
        if (history.isEmpty()) {
            return List.of();
        }
        // One accumulator per item, summed in seed order as before; no boxing per addition.
        Map<String, double[]> scores = new HashMap<>();
        int seeds = 0;
        for (Map.Entry<String, Double> seed : history.entrySet()) {
            if (seeds++ == t.seeds()) {
                break;
            }
            double w = seed.getValue();
            counters.coVisited(seed.getKey()).forEach((other, v) -> {
                double[] sum = scores.get(other);
                if (sum == null) {
                    scores.put(other, new double[] {w * v});
                } else {
                    sum[0] += w * v;
                }
            });
        }
        if (t.excludeSeen()) {
            scores.keySet().removeAll(history.keySet());
        }
        if (scores.isEmpty()) {
            return List.of();
        }
        Set<String> purchased = query.filter().excludePurchased() ? user.purchased(t.purchasesLookback()) : Set.of();
        List<Scored> ranked = new ArrayList<>(scores.size());
        scores.forEach((id, sum) -> ranked.add(new Scored(id, sum[0])));
        ranked.sort((a, b) -> {
            int c = Double.compare(b.score(), a.score());
            return c != 0 ? c : a.id().compareTo(b.id());
        });
        List<Candidate> out = new ArrayList<>(Math.min(query.n(), ranked.size()));
        // Looked up in chunks until n pass: a user's co-visited items often number several times n.
        int chunk = Math.max(64, query.n() + query.n() / 4 + 16);
        for (int from = 0; from < ranked.size() && out.size() < query.n(); from += chunk) {
            List<Scored> slice = ranked.subList(from, Math.min(ranked.size(), from + chunk));
            IndexedItem[] items = index.lookupEach(slice.stream().map(Scored::id).toList());
            for (int i = 0; i < items.length && out.size() < query.n(); i++) {
                IndexedItem item = items[i];
                if (item != null && PopularCandidateSource.passes(query.filter(), purchased, item)) {
                    out.add(new Candidate(item.id(), NAME, out.size() + 1, slice.get(i).score()));
                }
            }
        }
        return out;
    }

    private record Scored(String id, double score) {
    }
}
