package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
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
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/** The most popular items by time-decayed event counts, filtered through the index's stored fields. */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + PopularCandidateSource.NAME)
public final class PopularCandidateSource implements CandidateSource {

    public static final String NAME = "popular";

    private final PopularityCounters counters;
    private final ItemIndex index;
    private final EventRepository events;
    private volatile int purchasesLookback;

    @Activate
    public PopularCandidateSource(@Reference(name = "counters") PopularityCounters counters,
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
        return fromRanking(NAME, counters.ranking(), index, events, purchasesLookback, query, heads);
    }

    /** As {@link #fromRanking}, from the heads kept for this ranking and index state. */
    static List<Candidate> fromRanking(String source, PopularityCounters.Ranking ranking, ItemIndex index,
            EventRepository events, int purchasesLookback, CandidateQuery query, RankingHeads heads) {
        Set<String> purchased = query.filter().excludePurchased()
                ? UserContext.of(query.userId(), events, index).purchased(purchasesLookback) : Set.of();
        return heads.candidates(source, ranking, index, purchased, query);
    }

    /**
     * The first {@code query.n()} items of a ranking that pass the query's filter (and, when asked, that the user
     * did not buy), as candidates of the named source. Shared by the sources that read a counter's ranking.
     */
    static List<Candidate> fromRanking(String source, PopularityCounters.Ranking ranking, ItemIndex index,
            EventRepository events, int purchasesLookback, CandidateQuery query) {
        Set<String> purchased = query.filter().excludePurchased()
                ? UserContext.of(query.userId(), events, index).purchased(purchasesLookback) : Set.of();
        List<Candidate> out = new ArrayList<>(Math.min(query.n(), 256));
        scan(ranking, index, query.n(), (item, score) -> {
            if (passes(query.filter(), purchased, item)) {
                out.add(new Candidate(item.id(), source, out.size() + 1, score));
            }
            return out.size() < query.n();
        });
        return out;
    }

    /**
     * The filter without its excluded ids and purchases: what a kept head of a ranking may depend on. The recommender
     * hands a user's purchases over as excluded ids, so a head keyed by the whole filter was one per user.
     */
    static ItemFilter common(ItemFilter f) {
        return new ItemFilter(f.categoryPrefix(), Set.of(), f.availableOnly(), false, f.brands(), f.minPrice(),
                f.maxPrice());
    }

    /** What a request leaves out of a kept head: the user's purchases and the filter's excluded ids. */
    static Set<String> excluded(Set<String> purchased, ItemFilter f) {
        if (f.excludeItemIds().isEmpty()) {
            return purchased;
        }
        if (purchased.isEmpty()) {
            return f.excludeItemIds();
        }
        Set<String> both = new java.util.HashSet<>(purchased);
        both.addAll(f.excludeItemIds());
        return both;
    }

    static boolean passes(ItemFilter filter, Set<String> purchased, IndexedItem item) {
        return item.passes(filter) && !purchased.contains(item.id());
    }

    /** Receives indexed items in popularity order; returns false to stop. */
    interface Visitor {
        boolean visit(IndexedItem item, double score);
    }

    /**
     * Walks the ranking in chunks, looking each chunk up in the index; items that are not indexed are skipped
     * because nothing could be shown for them.
     */
    static void scan(PopularityCounters.Ranking ranking, ItemIndex index, int n, Visitor visitor) {
        List<String> ids = ranking.ids();
        // Most of a ranking passes a usual filter: a quarter more than n is usually one chunk, and every id looked up
        // costs a map probe or an index read.
        int chunk = Math.max(128, n + n / 4 + 16);
        for (int from = 0; from < ids.size(); from += chunk) {
            int to = Math.min(ids.size(), from + chunk);
            IndexedItem[] found = index.lookupEach(ids.subList(from, to));
            for (int i = from; i < to; i++) {
                IndexedItem item = found[i - from];
                if (item != null && !visitor.visit(item, ranking.scores()[i])) {
                    return;
                }
            }
        }
    }
}
