package dev.rialto.retrieval.lucene.internal.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.common.Require;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;
import dev.rialto.retrieval.lucene.internal.common.RateLimitedLog;
import dev.rialto.retrieval.lucene.internal.common.Settings;
import dev.rialto.retrieval.lucene.internal.index.Hit;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.index.ItemVector;
import dev.rialto.retrieval.lucene.internal.recommend.RrfFusion;
import dev.rialto.retrieval.lucene.internal.recommend.RrfFusion.Fused;

/**
 * Hybrid search (the text and semantic sources fused by reciprocal rank, with the recommender's source weights) and
 * similar items (kNN on the item's own vector, or its title and category terms when it has none).
 */
@Component(service = ItemSearch.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.BEAN_NAME + "=" + LuceneItemSearch.BEAN)
public final class LuceneItemSearch implements ItemSearch {

    public static final String BEAN = "search";
    /** The source name in the trace of similar items found by their terms. */
    public static final String MORE_LIKE_THIS = "more-like-this";
    public static final String SEMANTIC = "semantic";

    private static final Logger LOG = LoggerFactory.getLogger(LuceneItemSearch.class);

    private record Tuning(int candidates, Map<String, Double> weights, int k) {
    }

    private final ItemIndex index;
    private final CandidateSource text;
    private final CandidateSource semantic;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 60_000);
    private volatile Tuning tuning;

    @Activate
    public LuceneItemSearch(@Reference(name = "index") ItemIndex index,
            @Reference(name = "text", target = "(" + ServiceProperties.PROVIDER + "=text)") CandidateSource text,
            @Reference(name = "semantic", target = "(" + ServiceProperties.PROVIDER + "=semantic)")
            CandidateSource semantic) {
        this.index = index;
        this.text = text;
        this.semantic = semantic;
    }

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        int k = config.rrf_k();
        if (k < 0) {
            throw new IllegalArgumentException("rrf.k must not be negative, was " + k);
        }
        tuning = new Tuning(Settings.positive(config.search_candidates(), "search.candidates"),
                Map.copyOf(Settings.weights(config.source_weights(), "source.weights")), k);
    }

    @Override
    public SearchResult search(String query, int n, ItemFilter filter) {
        String q = Require.nonBlank(query, "query").strip();
        checkN(n);
        ItemFilter f = filter == null ? ItemFilter.DEFAULT : filter;
        Tuning t = tuning;
        CandidateQuery cq = new CandidateQuery(null, q, Math.max(n, t.candidates()), f);
        Map<String, List<Candidate>> lists = new LinkedHashMap<>();
        lists.put(text.name(), text.candidates(cq));
        try {
            lists.put(semantic.name(), semantic.candidates(cq));
        } catch (RuntimeException e) {
            // BM25 still answers when the embedder fails.
            warnings.warn("Semantic search failed on a query of {} characters; answering with BM25 only", q.length(), e);
        }
        return new SearchResult(q, collect(RrfFusion.fuse(lists, t.weights(), 1.0, t.k()), n, f, false));
    }

    @Override
    public SearchResult similar(String itemId, int n) {
        String id = Require.nonBlank(itemId, "itemId").strip();
        checkN(n);
        IndexedItem item = index.lookup(List.of(id)).get(id);
        if (item == null) {
            throw new ItemNotFoundException(id);
        }
        ItemFilter filter = new ItemFilter(null, Set.of(id), true, false);
        ItemVector vector = index.vectors(List.of(id)).get(id);
        String source;
        List<Hit> hits;
        if (vector != null) {
            source = SEMANTIC;
            hits = index.knn(vector.model(), vector.vector(), n, filter, Set.of());
        } else {
            source = MORE_LIKE_THIS;
            Query like = likeQuery(item);
            hits = like == null ? List.of() : index.search(like, n, filter, Set.of());
        }
        List<Candidate> candidates = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            candidates.add(new Candidate(h.id(), source, candidates.size() + 1, h.score()));
        }
        Tuning t = tuning;
        // One source: the score shown is its own (cosine-based for kNN, BM25 otherwise), not the fused one.
        return new SearchResult(id, collect(RrfFusion.fuse(Map.of(source, candidates), t.weights(), 1.0, t.k()), n,
                filter, true));
    }

    private static void checkN(int n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("n must be between 1 and " + MAX_N + ", was " + n);
        }
    }

    /** The first n fused items that are indexed and pass the filter, with titles and categories. */
    private List<RecommendedItem> collect(List<Fused> fused, int n, ItemFilter filter, boolean sourceScore) {
        List<Fused> head = fused.size() > 2 * n ? fused.subList(0, 2 * n) : fused;
        Map<String, IndexedItem> items = index.lookup(head.stream().map(Fused::itemId).toList());
        if (items.size() < Math.min(n, fused.size()) && head != fused) {
            items = index.lookup(fused.stream().map(Fused::itemId).toList());
            head = fused;
        }
        List<RecommendedItem> out = new ArrayList<>(Math.min(n, head.size()));
        for (Fused f : head) {
            IndexedItem item = items.get(f.itemId());
            if (item == null || !item.passes(filter)) {
                continue;
            }
            List<SourceHit> hits = f.hits();
            double score = sourceScore ? hits.get(0).score() : f.score();
            out.add(new RecommendedItem(f.itemId(), item.title(), item.category(), score, hits, f.score(), null,
                    null));
            if (out.size() == n) {
                break;
            }
        }
        return out;
    }

    /** BM25 more-like-this: the distinct terms of the item's title and category, OR-ed, title terms weigh more. */
    private Query likeQuery(IndexedItem item) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        String lang = item.language();
        int clauses = addTerms(b, ItemIndex.textField(ItemIndex.F_TITLE, lang), item.title(), 2f)
                + addTerms(b, ItemIndex.textField(ItemIndex.F_CATEGORY, lang), item.category(), 1.5f)
                + addTerms(b, ItemIndex.textField(ItemIndex.F_DESCRIPTION, lang), item.title(), 1f);
        return clauses == 0 ? null : b.build();
    }

    private int addTerms(BooleanQuery.Builder b, String field, String text, float boost) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        Set<String> seen = new HashSet<>();
        try (TokenStream ts = index.analyzer().tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                String t = term.toString();
                if (seen.add(t) && seen.size() <= 32) {
                    b.add(new BoostQuery(new TermQuery(new Term(field, t)), boost), Occur.SHOULD);
                }
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("Analysing the item's text failed", e);
        }
        return Math.min(seen.size(), 32);
    }
}
