package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
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
import dev.rialto.retrieval.lucene.internal.index.Hit;
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
    public List<Candidate> candidates(CandidateQuery query) {
        Tuning t = tuning;
        Set<String> excluded = query.filter().excludePurchased()
                ? UserHistory.purchased(events, query.userId(), t.purchasesLookback()) : Set.of();
        Query all = ItemIndex.filtered(null, query.filter(), excluded);
        List<Candidate> out = new ArrayList<>(Math.min(query.n(), 256));
        Set<String> taken = new HashSet<>();
        if (t.byCategory() && query.userId() != null) {
            Set<String> categories = UserHistory.topCategories(index, UserHistory.itemWeights(
                    events.recentForUser(query.userId(), t.historySize()), t.historyWeights(), t.halfLifeDays()),
                    t.topCategories()).keySet();
            if (!categories.isEmpty()) {
                BooleanQuery.Builder inCategories = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
                for (String c : categories) {
                    inCategories.add(new TermQuery(new Term(ItemIndex.F_TOP_CATEGORY, c)), Occur.SHOULD);
                }
                Query q = new BooleanQuery.Builder().add(all, Occur.MUST).add(inCategories.build(), Occur.FILTER)
                        .build();
                add(index.newest(q, query.n()), query.n(), out, taken);
            }
        }
        if (out.size() < query.n()) {
            // The newest n hold the n - size() missing ones, whichever the first pass already took.
            add(index.newest(all, query.n()), query.n(), out, taken);
        }
        return out;
    }

    private static void add(List<Hit> hits, int n, List<Candidate> out, Set<String> taken) {
        for (Hit h : hits) {
            if (out.size() == n) {
                return;
            }
            if (taken.add(h.id())) {
                out.add(new Candidate(h.id(), NAME, out.size() + 1, h.score()));
            }
        }
    }
}
