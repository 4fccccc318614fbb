package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.testing.Answers;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/** A disjunction of boosted terms from kept term scores answers what Lucene's scorers answer. */
class TermScoresTest {

    @TempDir
    Path dir;
    @TempDir
    Path refDir;
    private Fixture fx;
    private Fixture ref;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    private void open(int n, TestConfig config) throws Exception {
        fx = new Fixture(dir, Catalogue.generate(n), config);
        ref = new Fixture(refDir, Catalogue.generate(n), TestConfig.defaults().set("text.small.max.items", 0));
    }

    private List<Term> terms(String field, String text) {
        List<Term> out = new ArrayList<>();
        try (TokenStream ts = fx.index.analyzer().tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(new Term(field, term.toString()));
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Up to ten title and category terms of random items, with random boosts, as the text source builds them. */
    private Query historyLike(Random r, int items) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        while (clauses < 1 + r.nextInt(10)) {
            Item item = fx.items.get(r.nextInt(items));
            String field = r.nextBoolean() ? ItemIndex.F_TITLE : ItemIndex.F_CATEGORY;
            List<Term> terms = terms(ItemIndex.textField(field, "en"),
                    field.equals(ItemIndex.F_TITLE) ? item.title() : item.category());
            Term t = terms.get(r.nextInt(terms.size()));
            Query q = new TermQuery(t);
            b.add(r.nextInt(4) == 0 ? q : new BoostQuery(q, 0.05f + r.nextFloat()), Occur.SHOULD);
            clauses++;
        }
        return b.build();
    }

    @Test
    void keptTermScoresAnswerWhatLuceneAnswersUnderFiltersAndExclusions() throws Exception {
        open(800, TestConfig.defaults());
        List<ItemFilter> filters = List.of(ItemFilter.DEFAULT, new ItemFilter("Electronics", Set.of(), false, false),
                new ItemFilter(null, Set.of(Catalogue.id(1), Catalogue.id(2)), true, false, Set.of(),
                        new BigDecimal("50"), new BigDecimal("500")));
        Random r = new Random(5);
        int compared = 0;
        for (int round = 0; round < 60; round++) {
            Query q = historyLike(r, 800);
            for (ItemFilter filter : filters) {
                for (int n : new int[] {5, 100, 800}) {
                    Set<String> extra = round % 3 == 0 ? Set.of(Catalogue.id(round), Catalogue.id(round + 1)) : Set.of();
                    long kept = fx.index.keptTermAnswers();
                    List<Hit> hits = fx.index.search(q, n, filter, extra);
                    assertEquals(kept + 1, fx.index.keptTermAnswers(), "answered from kept term scores");
                    List<Hit> lucene = ref.index.search(q, n, filter, extra);
                    Answers.assertSameAnswer(lucene, hits, 1e-4, "round " + round + " n " + n + " " + q);
                    for (Hit h : hits) {
                        assertFalse(extra.contains(h.id()));
                    }
                    compared += hits.isEmpty() ? 0 : 1;
                }
            }
        }
        assertTrue(compared > 400, "most searches find something: " + compared);
        assertEquals(0, fx.index.luceneTermAnswers());
    }

    @Test
    void otherQueriesAndTermsBeyondTheMemoryGoToLucene() throws Exception {
        open(300, TestConfig.defaults().set("text.small.cache.mb", 0));
        Random r = new Random(9);
        Query q = historyLike(r, 300);
        Answers.assertSameAnswer(ref.index.search(q, 50, ItemFilter.DEFAULT, Set.of()),
                fx.index.search(q, 50, ItemFilter.DEFAULT, Set.of()), 1e-6, "no room");
        assertEquals(0, fx.index.keptTermAnswers());
        assertEquals(1, fx.index.luceneTermAnswers());

        Term title = terms(ItemIndex.textField(ItemIndex.F_TITLE, "en"), fx.items.get(3).title()).get(0);
        Query must = new BooleanQuery.Builder().add(new TermQuery(title), Occur.MUST).build();
        Query zero = new BooleanQuery.Builder().add(new BoostQuery(new TermQuery(title), 0f), Occur.SHOULD).build();
        for (Query other : List.of(must, zero, new TermQuery(title))) {
            assertTrue(TermScores.terms(other) == null, "not a disjunction of positively boosted terms: " + other);
        }
    }

    @Test
    void aChangedTitleIsSearchedAtOnce() throws Exception {
        open(300, TestConfig.defaults());
        Term unusual = new Term(ItemIndex.textField(ItemIndex.F_TITLE, "en"), "zanzibar");
        Query q = new BooleanQuery.Builder().add(new TermQuery(unusual), Occur.SHOULD).build();
        assertTrue(fx.index.search(q, 10, ItemFilter.DEFAULT, Set.of()).isEmpty());
        Item old = fx.items.get(5);
        fx.index.itemsStored(List.of(new Item(old.id(), "zanzibar kettle", old.description(), old.category(),
                old.price(), old.currency(), true, old.language(), old.attributes())));
        List<Hit> hits = fx.index.search(q, 10, ItemFilter.DEFAULT, Set.of());
        assertEquals(List.of(old.id()), hits.stream().map(Hit::id).toList());
        assertEquals(2, fx.index.keptTermAnswers());
    }
}
