package dev.rialto.retrieval.lucene.internal.sources;

import java.util.List;

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
    public boolean personal() {
        return false;
    }

    private final RankingHeads heads = new RankingHeads();

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        return PopularCandidateSource.fromRanking(NAME, counters.trending(), index, events, purchasesLookback, query,
                heads);
    }
}
