package dev.rialto.retrieval.lucene.internal.recommend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ItemNumbering;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ScoreArray;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.retrieval.lucene.internal.common.RateLimitedLog;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.recommend.RrfFusion.Fused;
import dev.rialto.retrieval.lucene.internal.sources.UserContext;

/**
 * Asks every candidate source, fuses their lists by reciprocal rank, lets the interest scorer (when one with a
 * model is bound) rerank the head, and returns the top n with the trace of which source found what.
 */
@Component(service = Recommender.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.BEAN_NAME + "=" + LuceneRecommender.BEAN)
public final class LuceneRecommender implements Recommender {

    public static final String BEAN = "recommender";

    private static final Logger LOG = LoggerFactory.getLogger(LuceneRecommender.class);

    private record Tuning(int perSource, Map<String, Double> weights, Map<String, Integer> quotas, int k,
            int rerankDepth, int purchasesLookback) {
    }

    private final ItemIndex index;
    private final EventRepository events;
    private final Map<CandidateSource, String> sources = new ConcurrentHashMap<>();
    private final AtomicReference<InterestScorer> scorer = new AtomicReference<>();
    private final RateLimitedLog scorerWarnings = new RateLimitedLog(LOG, 60_000);
    private final RateLimitedLog sourceWarnings = new RateLimitedLog(LOG, 60_000);
    private volatile Tuning tuning;

    @Activate
    public LuceneRecommender(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        int k = config.rrf_k();
        if (k < 0) {
            throw new IllegalArgumentException("rrf.k must not be negative, was " + k);
        }
        tuning = new Tuning(Settings.positive(config.candidates_per_source(), "candidates.per.source"),
                Map.copyOf(Settings.weights(config.source_weights(), "source.weights")),
                Map.copyOf(Settings.counts(config.source_quotas(), "source.quotas")), k,
                Settings.positive(config.rerank_depth(), "rerank.depth"),
                Settings.positive(config.purchases_lookback(), "purchases.lookback"));
    }

    @Reference(name = "sources", service = CandidateSource.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeSource")
    public void addSource(CandidateSource source, Map<String, Object> properties) {
        Object name = properties.get(ServiceProperties.PROVIDER);
        sources.put(source, name == null ? source.name() : name.toString());
    }

    public void removeSource(CandidateSource source) {
        sources.remove(source);
    }

    @Reference(name = "scorer", service = InterestScorer.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindScorer")
    public void bindScorer(InterestScorer s) {
        scorer.set(s);
    }

    public void unbindScorer(InterestScorer s) {
        scorer.compareAndSet(s, null);
    }

    @Override
    public Recommendation recommend(RecommendationRequest request) {
        return recommend(request, null);
    }

    /**
     * Answers in order; the lists of sources that do not depend on the user ({@link CandidateSource#personal()})
     * are gathered once per filter for the whole batch.
     */
    @Override
    public List<Recommendation> recommendAll(List<RecommendationRequest> requests) {
        Map<Shared, List<Candidate>> shared = new HashMap<>();
        List<Recommendation> out = new ArrayList<>(requests.size());
        for (RecommendationRequest r : requests) {
            out.add(recommend(r, shared));
        }
        return out;
    }

    /** A head item: its fusion, its catalogue record, and the model's score once scored. */
    private static final class Ranked {
        static final Comparator<Ranked> ORDER = (a, b) -> {
            if ((a.model != null) != (b.model != null)) {
                return a.model != null ? -1 : 1;
            }
            int byModel = a.model == null ? 0 : Double.compare(b.model, a.model);
            return byModel != 0 ? byModel : Double.compare(b.fused.score(), a.fused.score());
        };

        final Fused fused;
        final IndexedItem item;
        Double model;

        Ranked(Fused fused, IndexedItem item) {
            this.fused = fused;
            this.item = item;
        }
    }

    /** A user-independent source's list for one filter and quota, reused within a batch. */
    private record Shared(String source, ItemFilter filter, int quota) {
    }

    private Recommendation recommend(RecommendationRequest request, Map<Shared, List<Candidate>> shared) {
        long start = System.nanoTime();
        Tuning t = tuning;
        ItemFilter filter = request.filter();
        List<Fused> fused;
        Set<String> purchased;
        // The user's history, purchases and categories are read once and shared by this bundle's sources.
        try (UserContext.Scope scope = UserContext.open(request.userId(), events, index)) {
            purchased = filter.excludePurchased()
                    ? UserContext.of(request.userId(), events, index).purchased(t.purchasesLookback()) : Set.of();
            // The purchases go to the sources as plain exclusions.
            ItemFilter sourceFilter = filter.excludePurchased()
                    ? filter.excluding(purchased).withExcludePurchased(false) : filter;
            fused = RrfFusion.fuse(collect(request, sourceFilter, t, shared), t.weights(), 1.0, t.k());
        }

        // The head that may be shown: indexed, passing the filter (sources are plug-ins and may be sloppy).
        int depth = Math.max(request.depth(t.rerankDepth()), request.n());
        List<Ranked> head = new ArrayList<>(Math.min(depth, fused.size()));
        int next = 0;
        while (head.size() < depth && next < fused.size()) {
            int end = Math.min(fused.size(), next + depth - head.size());
            List<Fused> slice = fused.subList(next, end);
            String[] ids = new String[slice.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = slice.get(i).itemId();
            }
            IndexedItem[] found = index.lookupEach(Arrays.asList(ids));
            for (int i = 0; i < found.length; i++) {
                IndexedItem item = found[i];
                if (item != null && item.passes(filter) && !purchased.contains(item.id())) {
                    head.add(new Ranked(slice.get(i), item));
                }
            }
            next = end;
        }

        String model = null;
        InterestScorer s = scorer.get();
        if (s != null && !head.isEmpty()) {
            try {
                Optional<ModelInfo> active = s.activeModel();
                if (active.isPresent()) {
                    ModelInfo scoredBy = scoreIndexed(s, request.userId(), head);
                    if (scoredBy == null) {
                        List<String> ids = new ArrayList<>(head.size());
                        head.forEach(r -> ids.add(r.fused.itemId()));
                        ScoreResult result = s.score(request.userId(), ids);
                        Map<String, Double> scores = result.scores();
                        for (Ranked r : head) {
                            r.model = scores.get(r.fused.itemId());
                        }
                        scoredBy = result.model();
                    }
                    model = scoredBy.name() + "@" + scoredBy.version();
                    // Scored first, by model score, then fused score (descending).
                    head.sort(Ranked.ORDER);
                }
            } catch (RuntimeException e) {
                scorerWarnings.warn("Interest scorer failed; ranking by fusion instead: {}", e.toString(), e);
                head.forEach(r -> r.model = null);
                model = null;
            }
        }

        List<RecommendedItem> out = new ArrayList<>(Math.min(request.n(), head.size()));
        for (Ranked r : head) {
            if (out.size() == request.n()) {
                break;
            }
            Fused f = r.fused;
            Double modelScore = r.model;
            double score = modelScore != null && Double.isFinite(modelScore) ? modelScore : f.score();
            out.add(new RecommendedItem(f.itemId(), r.item.title(), r.item.category(), score, f.hits(), f.score(),
                    modelScore, modelScore == null ? null : model));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Recommended {} items from {} fused candidates of {} sources, model={}, in {} us", out.size(),
                    fused.size(), sources.size(), model, (System.nanoTime() - start) / 1000);
        }
        return new Recommendation(request.userId(), out, model);
    }

    /**
     * Scores the head by the scorer's item numbers, answered in head order (no id map, no boxing), when the scorer
     * has a numbering that knows every head item; null otherwise (an item newer than the scorer's snapshot), and the
     * caller scores by id. Same scores either way; a score the scorer could not give (NaN) counts as none.
     */
    private static ModelInfo scoreIndexed(InterestScorer s, String userId, List<Ranked> head) {
        Optional<ItemNumbering> numbering = s.numbering();
        if (numbering.isEmpty()) {
            return null;
        }
        ItemNumbering n = numbering.get();
        int[] numbers = new int[head.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = n.indexOf(head.get(i).fused.itemId());
            if (numbers[i] < 0) {
                return null;
            }
        }
        ScoreArray result = s.scoreIndexed(userId, n, numbers);
        float[] scores = result.scores();
        for (int i = 0; i < numbers.length; i++) {
            head.get(i).model = Float.isNaN(scores[i]) ? null : (double) scores[i];
        }
        return result.model();
    }

    /**
     * Each source's list, by source name: a source is asked for its quota ({@code source.quotas}, else
     * {@code candidates.per.source}), whatever n the request asks, so the work per request is bounded by the
     * configuration, or for fewer when the request's {@code candidates} says so; a longer list is cut to the
     * quota; a failing source is skipped.
     */
    private Map<String, List<Candidate>> collect(RecommendationRequest request, ItemFilter filter, Tuning t,
            Map<Shared, List<Candidate>> shared) {
        Map<String, Integer> quotas = t.quotas();
        Map<String, List<Candidate>> lists = new TreeMap<>();
        for (Map.Entry<CandidateSource, String> e : sources.entrySet()) {
            if (!request.asks(e.getValue())) {
                continue;
            }
            try {
                int quota = request.depth(quotas.getOrDefault(e.getValue(), t.perSource()));
                List<Candidate> found;
                if (shared != null && !e.getKey().personal()) {
                    // Without the user's purchases: the head drops those later, for each user.
                    ItemFilter common = request.filter().withExcludePurchased(false);
                    found = shared.computeIfAbsent(new Shared(e.getValue(), common, quota),
                            k -> e.getKey().candidates(new CandidateQuery(null, null, quota, common)));
                } else {
                    found = e.getKey().candidates(new CandidateQuery(request.userId(), null, quota, filter));
                }
                if (found != null && !found.isEmpty()) {
                    lists.merge(e.getValue(), found, (a, b) -> {
                        List<Candidate> both = new ArrayList<>(a);
                        both.addAll(b);
                        return both;
                    });
                }
            } catch (RuntimeException ex) {
                sourceWarnings.warn("Candidate source {} failed; skipping it", e.getValue(), ex);
            }
        }
        // Sources are plug-ins and may return more than asked; two services of one name share the quota.
        for (Map.Entry<String, List<Candidate>> e : lists.entrySet()) {
            int quota = request.depth(quotas.getOrDefault(e.getKey(), t.perSource()));
            if (e.getValue().size() > quota) {
                e.setValue(e.getValue().subList(0, quota));
            }
        }
        return lists;
    }
}
