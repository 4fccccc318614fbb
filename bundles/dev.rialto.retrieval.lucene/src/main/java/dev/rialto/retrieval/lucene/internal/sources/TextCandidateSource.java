package dev.rialto.retrieval.lucene.internal.sources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.simple.SimpleQueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
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
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * BM25 over title, category and description (English analysis; smartcn for the {@code _zh} fields of Chinese
 * items, searched with the same boosts). With query text it searches that text; without text but with a
 * user, it searches the terms of the titles and categories the user engaged with ("more like these").
 */
@Component(service = CandidateSource.class, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ServiceProperties.PROVIDER + "=" + TextCandidateSource.NAME)
public final class TextCandidateSource implements CandidateSource {

    public static final String NAME = "text";

    private final ItemIndex index;
    private final EventRepository events;

    private volatile Tuning settings;

    /** Immutable view of the configuration, swapped atomically on @Modified. */
    private record Tuning(Map<String, Float> boosts, int historySize, Map<EventType, Double> historyWeights,
            double halfLifeDays, int maxTerms, boolean excludeSeen, int purchasesLookback) {
    }

    @Activate
    public TextCandidateSource(@Reference(name = "index") ItemIndex index,
            @Reference(name = "events") EventRepository events) {
        this.index = index;
        this.events = events;
    }

    private final CandidateCache cache = new CandidateCache(NAME, 0);

    @Activate
    @Modified
    public void activate(ItemIndex.Config config) {
        cache.capacity(config.source_cache_users());
        Map<String, Float> boosts = new HashMap<>();
        Settings.weights(config.text_boosts(), "text.boosts").forEach((field, w) -> {
            if (!Set.of(ItemIndex.F_TITLE, ItemIndex.F_CATEGORY, ItemIndex.F_DESCRIPTION).contains(field)) {
                throw new IllegalArgumentException("text.boosts: unknown field '" + field
                        + "', expected title, category or description");
            }
            boosts.put(field, w.floatValue());
            // Chinese items keep their text in the smartcn-analysed twin of each field.
            boosts.put(field + ItemIndex.ZH_SUFFIX, w.floatValue());
        });
        if (boosts.isEmpty()) {
            throw new IllegalArgumentException("text.boosts must name at least one field");
        }
        settings = new Tuning(Map.copyOf(boosts), Settings.positive(config.history_size(), "history.size"),
                Settings.eventWeights(config.history_weights(), "history.weights"),
                Settings.positive(config.history_half_life_days(), "history.half.life.days"),
                Settings.positive(config.history_max_terms(), "history.max.terms"), config.history_exclude_seen(),
                Settings.positive(config.purchases_lookback(), "purchases.lookback"));
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
        Query main;
        CandidateCache.Stamp stamp = null;
        UserInputs inputs = null;
        if (query.text() != null) {
            SimpleQueryParser parser = new SimpleQueryParser(index.analyzer(), s.boosts());
            main = parser.parse(query.text());
        } else if (query.userId() != null) {
            // The list is a function of the history's item weights, the exclusions and the index: served again
            // while all three are unchanged (read the epoch before searching).
            stamp = new CandidateCache.Stamp(index.epoch(), s, null);
            inputs = new UserInputs(user.itemWeights(s.historySize(), s.historyWeights(), s.halfLifeDays()),
                    Set.copyOf(excluded));
            List<Candidate> kept = cache.get(query.userId(), query.n(), query.filter(), stamp, inputs);
            if (kept != null) {
                return kept;
            }
            main = historyQuery(user, s, excluded);
        } else {
            return List.of();
        }
        List<Candidate> out;
        if (main == null || main instanceof MatchNoDocsQuery) {
            out = List.of();
        } else {
            List<Hit> hits = index.search(main, query.n(), query.filter(), excluded);
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

    /**
     * The {@code history.max.terms} most informative terms of the user's recent items: each term's history weight
     * times its inverse document frequency, so that a rare title word the user keeps meeting outranks the category
     * word half the catalogue shares (which would make BM25 score thousands of items for little). Adds the seen
     * items to {@code excluded} when configured.
     */
    private Query historyQuery(UserContext user, Tuning s, Set<String> excluded) {
        Map<String, Double> itemWeights = user.itemWeights(s.historySize(), s.historyWeights(), s.halfLifeDays());
        if (itemWeights.isEmpty()) {
            return null;
        }
        Map<String, IndexedItem> items = index.lookup(itemWeights.keySet());
        Map<Term, Double> terms = new HashMap<>();
        float titleBoost = s.boosts().getOrDefault(ItemIndex.F_TITLE, 1f);
        float categoryBoost = s.boosts().getOrDefault(ItemIndex.F_CATEGORY, 1f);
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            IndexedItem item = items.get(e.getKey());
            if (item == null) {
                continue;
            }
            addTerms(terms, ItemIndex.textField(ItemIndex.F_TITLE, item.language()), item.title(),
                    e.getValue() * titleBoost);
            addTerms(terms, ItemIndex.textField(ItemIndex.F_CATEGORY, item.language()), item.category(),
                    e.getValue() * categoryBoost);
        }
        if (terms.isEmpty()) {
            return null;
        }
        if (s.excludeSeen()) {
            excluded.addAll(itemWeights.keySet());
        }
        List<Term> keys = new ArrayList<>(terms.keySet());
        ItemIndex.DocFreqs df = index.docFreqs(keys);
        Map<Term, Double> informative = new HashMap<>(keys.size() * 2);
        for (int i = 0; i < keys.size(); i++) {
            int f = df.docFreq()[i];
            if (f > 0) {
                // BM25's idf: log(1 + (N - df + 0.5) / (df + 0.5)).
                double idf = Math.log(1 + (df.numDocs() - f + 0.5) / (f + 0.5));
                informative.put(keys.get(i), terms.get(keys.get(i)) * idf);
            }
        }
        if (informative.isEmpty()) {
            return null;
        }
        List<Map.Entry<Term, Double>> top = informative.entrySet().stream()
                .sorted(Map.Entry.<Term, Double>comparingByValue().reversed()
                        .thenComparing(en -> en.getKey().toString()))
                .limit(s.maxTerms()).toList();
        double max = top.get(0).getValue();
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<Term, Double> t : top) {
            b.add(new BoostQuery(new TermQuery(t.getKey()), (float) (t.getValue() / max)), Occur.SHOULD);
        }
        return b.build();
    }

    private void addTerms(Map<Term, Double> terms, String field, String text, double weight) {
        if (text == null || text.isBlank()) {
            return;
        }
        for (Term t : analysed(field, text)) {
            terms.merge(t, weight, Double::sum);
        }
    }

    /** Most analysed texts kept (a title or category each, a few hundred bytes). */
    static final int ANALYSED_MAX = 20_000;

    private record FieldText(String field, String text) {
    }

    /**
     * A history item's text is analysed again for every user who met the item: its distinct terms are kept by
     * field and text (a changed title is another key, so nothing goes stale), at most {@link #ANALYSED_MAX}.
     */
    private final Map<FieldText, Term[]> analysedTexts = new ConcurrentHashMap<>();

    private Term[] analysed(String field, String text) {
        FieldText key = new FieldText(field, text);
        Term[] known = analysedTexts.get(key);
        if (known != null) {
            return known;
        }
        // Each distinct term counts once per item: a title that repeats a word is not more relevant.
        Set<String> seen = new LinkedHashSet<>();
        try (TokenStream ts = index.analyzer().tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                seen.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("Analysing history text failed", e);
        }
        Term[] out = new Term[seen.size()];
        int i = 0;
        for (String t : seen) {
            out[i++] = new Term(field, t);
        }
        if (analysedTexts.size() >= ANALYSED_MAX) {
            analysedTexts.clear();
        }
        analysedTexts.put(key, out);
        return out;
    }
}
