package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * Items whose recent popularity rose most above their long-term rate ({@link PopularityCounters#trending()}),
 * filtered through the index like the popular source.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + TrendingCandidateSource.NAME)
public final class TrendingCandidateSource implements CandidateSource {

    public static final String NAME = "trending";

    private final PopularityCounters counters;
    private final ItemIndex index;
    private final EventRepository events;
    private volatile int purchasesLookback;

    @Activate
    public TrendingCandidateSource(@Reference(name = "counters") PopularityCounters counters,
            @Reference(name = "index") ItemIndex index, @Reference(name = "events") EventRepository events) {
        this.counters = counters;
        this.index = index;
        this.events = events;
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        purchasesLookback = Settings.positive(config.purchases_lookback(), "purchases.lookback");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        Set<String> purchased = query.filter().excludePurchased()
                ? UserHistory.purchased(events, query.userId(), purchasesLookback) : Set.of();
        List<Candidate> out = new ArrayList<>(Math.min(query.n(), 256));
        PopularCandidateSource.scan(counters.trending(), index, query.n(), (item, score) -> {
            if (PopularCandidateSource.passes(query.filter(), purchased, item)) {
                out.add(new Candidate(item.id(), NAME, out.size() + 1, score));
            }
            return out.size() < query.n();
        });
        return out;
    }
}
