package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
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
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * The user's own items ("buy again"): every item of their {@code purchases.lookback} newest events, heaviest first
 * by the history weights with the history half-life ({@link UserHistory#itemWeights}). On repeat-purchase shops
 * most of next month's orders are re-orders (DESIGN.md section 6), and the scorer can only rerank what a source
 * found. Purchases are left out when the request excludes them; items that no longer pass the filter are skipped.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + BuyAgainCandidateSource.NAME)
public final class BuyAgainCandidateSource implements CandidateSource {

    public static final String NAME = "buy-again";

    private final ItemIndex index;
    private final EventRepository events;

    private volatile Tuning settings;

    private record Tuning(int lookback, Map<EventType, Double> weights, double halfLifeDays) {
    }

    @Activate
    public BuyAgainCandidateSource(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        settings = new Tuning(Settings.positive(config.purchases_lookback(), "purchases.lookback"),
                Settings.eventWeights(config.history_weights(), "history.weights"),
                Settings.positive(config.history_half_life_days(), "history.half.life.days"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        if (query.userId() == null || query.text() != null) {
            return List.of();
        }
        Tuning s = settings;
        UserContext context = UserContext.of(query.userId(), events, index);
        Map<String, Double> weights = UserHistory.itemWeights(context.recent(s.lookback()), s.weights(),
                s.halfLifeDays());
        if (weights.isEmpty()) {
            return List.of();
        }
        Set<String> purchased = query.filter().excludePurchased() ? context.purchased(s.lookback()) : Set.of();
        Map<String, Double> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!purchased.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        Map<String, IndexedItem> found = index.lookup(kept.keySet());
        List<Candidate> out = new ArrayList<>(Math.min(query.n(), kept.size()));
        for (Map.Entry<String, Double> e : kept.entrySet()) {
            IndexedItem item = found.get(e.getKey());
            if (item != null && item.passes(query.filter())) {
                out.add(new Candidate(item.id(), NAME, out.size() + 1, e.getValue()));
                if (out.size() == query.n()) {
                    break;
                }
            }
        }
        return out;
    }
}
