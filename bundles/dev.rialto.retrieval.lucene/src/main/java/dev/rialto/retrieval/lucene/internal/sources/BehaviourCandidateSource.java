package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.HashSet;
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
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourModel;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.Hit;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * kNN (maximum inner product, HNSW, filter inside the search) of the user's behaviour vector over the items'
 * behaviour vectors published by a trainer. A user in the published set uses their trained vector; any other user
 * is folded in from their recent items (iALS least squares with the item vectors fixed, see
 * {@link BehaviourModel#foldIn}). Nothing for anonymous requests, text queries, or before a publication.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + BehaviourCandidateSource.NAME)
public final class BehaviourCandidateSource implements CandidateSource {

    public static final String NAME = "behaviour";

    private final ItemIndex index;
    private final EventRepository events;

    private volatile Tuning settings;

    private record Tuning(int historySize, Map<EventType, Double> historyWeights, double halfLifeDays,
            double alpha, boolean excludeSeen, int purchasesLookback) {
    }

    @Activate
    public BehaviourCandidateSource(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    private final CandidateCache cache = new CandidateCache(NAME, 0);

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        cache.capacity(config.source_cache_users());
        double alpha = config.behaviour_alpha();
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("behaviour.alpha must be a number >= 0, was " + alpha);
        }
        settings = new Tuning(Settings.positive(config.history_size(), "history.size"),
                Settings.eventWeights(config.history_weights(), "history.weights"),
                Settings.positive(config.history_half_life_days(), "history.half.life.days"), alpha,
                config.behaviour_exclude_seen(), Settings.positive(config.purchases_lookback(), "purchases.lookback"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        BehaviourModel model = index.behaviour();
        if (model == null || query.userId() == null || query.text() != null) {
            return List.of();
        }
        Tuning s = settings;
        Set<String> excluded = new HashSet<>();
        UserContext context = UserContext.of(query.userId(), events, index);
        if (query.filter().excludePurchased()) {
            excluded.addAll(context.purchased(s.purchasesLookback()));
        }
        // A trained user's list changes only with a publication (the model), the index and the exclusions; a
        // folded-in user's with their history too. Read the epoch before searching.
        CandidateCache.Stamp stamp = new CandidateCache.Stamp(index.epoch(), s, model);
        float[] user = model.user(query.userId());
        Map<String, Double> weights = user == null || s.excludeSeen()
                ? context.itemWeights(s.historySize(), s.historyWeights(), s.halfLifeDays()) : Map.of();
        UserInputs inputs = new UserInputs(weights, Set.copyOf(excluded));
        List<Candidate> kept = cache.get(query.userId(), query.n(), query.filter(), stamp, inputs);
        if (kept != null) {
            return kept;
        }
        if (user == null) {
            user = model.foldIn(weights, s.alpha());
        }
        if (s.excludeSeen()) {
            excluded.addAll(weights.keySet());
        }
        List<Candidate> out;
        if (user == null) {
            out = List.of();
        } else {
            List<Hit> hits = index.knnField(model.field(), user, query.n(), query.filter(), excluded);
            out = new ArrayList<>(hits.size());
            for (Hit h : hits) {
                out.add(new Candidate(h.id(), NAME, out.size() + 1, h.score()));
            }
        }
        cache.put(query.userId(), query.n(), query.filter(), stamp, inputs.copy(), out);
        return out;
    }

    /** This source's kept lists (tests and benchmarks read its counts). */
    public CandidateCache cache() {
        return cache;
    }

    /** The vector the source searches with for a user: trained, folded in, or null. */
    public float[] userVector(String userId) {
        BehaviourModel model = index.behaviour();
        if (model == null || userId == null) {
            return null;
        }
        float[] user = model.user(userId);
        if (user != null) {
            return user;
        }
        Tuning s = settings;
        return model.foldIn(UserHistory.itemWeights(events.recentForUser(userId, s.historySize()),
                s.historyWeights(), s.halfLifeDays()), s.alpha());
    }
}
