package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.HashMap;
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
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.Hit;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.index.ItemVector;

/**
 * kNN over the items' text embeddings. With query text: the text's embedding (the Chinese model when the text has
 * Han characters, else the English one). Without text but with a user: the normalised, weighted mean of the
 * vectors of the user's recent items. The filter runs inside the HNSW search. Returns nothing while no embedder is
 * bound.
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + SemanticCandidateSource.NAME)
public final class SemanticCandidateSource implements CandidateSource {

    public static final String NAME = "semantic";

    private final ItemIndex index;
    private final EventRepository events;

    private volatile Tuning settings;

    private record Tuning(int historySize, Map<EventType, Double> historyWeights, double halfLifeDays,
            boolean excludeSeen, int purchasesLookback) {
    }

    @Activate
    public SemanticCandidateSource(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    private final CandidateCache cache = new CandidateCache(NAME, 0);

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        cache.capacity(config.source_cache_users());
        settings = new Tuning(Settings.positive(config.history_size(), "history.size"),
                Settings.eventWeights(config.history_weights(), "history.weights"),
                Settings.positive(config.history_half_life_days(), "history.half.life.days"),
                config.history_exclude_seen(), Settings.positive(config.purchases_lookback(), "purchases.lookback"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Candidate> candidates(CandidateQuery query) {
        Tuning s = settings;
        Set<String> excluded = new HashSet<>();
        UserContext user = UserContext.of(query.userId(), events, index);
        if (query.filter().excludePurchased()) {
            excluded.addAll(user.purchased(s.purchasesLookback()));
        }
        ItemVector target;
        Map<String, Double> used = null;
        CandidateCache.Stamp stamp = null;
        UserInputs inputs = null;
        if (query.text() != null) {
            target = embedQuery(query.text());
        } else if (query.userId() != null) {
            // A function of the history's weights, the exclusions and the index (item vectors included).
            stamp = new CandidateCache.Stamp(index.epoch(), s, null);
            inputs = new UserInputs(user.itemWeights(s.historySize(), s.historyWeights(), s.halfLifeDays()),
                    Set.copyOf(excluded));
            List<Candidate> kept = cache.get(query.userId(), query.n(), query.filter(), stamp, inputs);
            if (kept != null) {
                return kept;
            }
            used = new HashMap<>();
            target = historyVector(user, s, excluded, used);
        } else {
            return List.of();
        }
        List<Candidate> out;
        if (target == null) {
            out = List.of();
        } else {
            List<Hit> hits = used == null
                    ? index.knn(target.model(), target.vector(), query.n(), query.filter(), excluded)
                    : index.knnOfMean(target.model(), used, target.vector(), query.n(), query.filter(), excluded);
            out = new ArrayList<>(hits.size());
            for (Hit h : hits) {
                out.add(new Candidate(h.id(), NAME, out.size() + 1, h.score()));
            }
        }
        if (stamp != null) {
            cache.put(query.userId(), query.n(), query.filter(), stamp, inputs.copy(), out);
        }
        return out;
    }

    /** This source's kept lists (tests and benchmarks read its counts). */
    public CandidateCache cache() {
        return cache;
    }

    /** The embedding of a query text, or null without a suitable embedder. */
    public ItemVector embedQuery(String text) {
        TextEmbedder embedder = index.embedderFor(hasHan(text) ? "zh" : "en");
        if (embedder == null) {
            return null;
        }
        return new ItemVector(embedder.model(), embedder.embed(text));
    }

    /** Whether the text has a Han (Chinese) character: then it is embedded with the Chinese model. */
    public static boolean hasHan(String text) {
        return text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }

    /**
     * The weighted mean of the vectors of the user's recent items, in the model that carries most of the weight,
     * normalised to unit length; adds the seen items to {@code excluded} when configured, and each item's coefficient
     * in the normalised mean (its weight divided by the weighted sum's norm) to {@code used}.
     */
    private ItemVector historyVector(UserContext user, Tuning s, Set<String> excluded, Map<String, Double> used) {
        Map<String, Double> weights = user.itemWeights(s.historySize(), s.historyWeights(), s.halfLifeDays());
        if (weights.isEmpty()) {
            return null;
        }
        Map<String, ItemVector> vectors = index.vectors(weights.keySet());
        if (vectors.isEmpty()) {
            return null;
        }
        Map<String, Double> weightByModel = new HashMap<>();
        vectors.forEach((id, v) -> weightByModel.merge(v.model(), weights.get(id), Double::sum));
        String model = weightByModel.entrySet().stream()
                .max(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
        double[] sum = null;
        for (Map.Entry<String, ItemVector> e : vectors.entrySet()) {
            ItemVector v = e.getValue();
            if (!v.model().equals(model)) {
                continue;
            }
            if (sum == null) {
                sum = new double[v.vector().length];
            }
            if (v.vector().length != sum.length) {
                continue;
            }
            double w = weights.get(e.getKey());
            used.put(e.getKey(), w);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w * v.vector()[i];
            }
        }
        double norm = 0;
        for (double x : sum) {
            norm += x * x;
        }
        if (!(norm > 0)) {
            return null;
        }
        norm = Math.sqrt(norm);
        double scale = 1 / norm;
        used.replaceAll((id, w) -> w * scale); // each item's coefficient in the normalised mean
        float[] mean = new float[sum.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (sum[i] / norm);
        }
        if (s.excludeSeen()) {
            excluded.addAll(weights.keySet());
        }
        return new ItemVector(model, mean);
    }
}
