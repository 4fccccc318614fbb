package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermStates;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

/**
 * Each term's score (the searcher's similarity, BM25, at boost 1) in every live document that has it, kept per
 * searcher for a small index: a disjunction of boosted terms is then the boosted sum of a few kept lists. Why: the
 * text source asks about ten boosted title and category terms per profile, and on a catalogue of a few thousand items
 * Lucene spent more setting up its scorers (postings enums, MaxScore partitions, a weight per term) than scoring.
 *
 * <p>Scores equal Lucene's up to float rounding: Lucene multiplies the boost into the term's weight before scoring,
 * this multiplies the kept score by it; near-equal scores may trade places. Ties go to the lower doc id, as Lucene's
 * collector orders them.
 */
final class TermScores {

    /** One term's documents (global ids, ascending) and its score in each. */
    record Postings(int[] docs, float[] scores) {
    }

    private final IndexSearcher searcher;
    private final Map<Term, Postings> byTerm = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();
    private final long maxPostings;

    TermScores(IndexSearcher searcher, long maxPostings) {
        this.searcher = searcher;
        this.maxPostings = maxPostings;
    }

    boolean isFor(IndexSearcher s) {
        return searcher == s;
    }

    /**
     * The clauses of a disjunction of boosted terms (SHOULD clauses only, each a term query, boosted or not, with a
     * positive boost), with their boosts; null for any other query.
     */
    static List<Map.Entry<Term, Float>> terms(Query q) {
        if (!(q instanceof BooleanQuery bq) || bq.getMinimumNumberShouldMatch() > 0 || bq.clauses().isEmpty()) {
            return null;
        }
        List<Map.Entry<Term, Float>> out = new ArrayList<>(bq.clauses().size());
        for (BooleanClause c : bq.clauses()) {
            if (c.getOccur() != BooleanClause.Occur.SHOULD) {
                return null;
            }
            Query inner = c.getQuery();
            float boost = 1f;
            if (inner instanceof BoostQuery b) {
                boost = b.getBoost();
                inner = b.getQuery();
            }
            if (!(inner instanceof TermQuery t) || !(boost > 0) || Float.isInfinite(boost)) {
                return null;
            }
            out.add(Map.entry(t.getTerm(), boost));
        }
        return out;
    }

    /**
     * The best n accepted documents for the disjunction ({@code accepted == null}: every live one), or null when a
     * term's postings cannot be kept (the caller then asks Lucene).
     */
    ScoreDoc[] top(List<Map.Entry<Term, Float>> clauses, int n, FixedBitSet[] accepted,
            TermStatesSource states) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        double[] acc = new double[searcher.getIndexReader().maxDoc()];
        int[] touched = new int[Math.min(acc.length, 1024)];
        int count = 0;
        for (Map.Entry<Term, Float> clause : clauses) {
            Postings p = postings(clause.getKey(), states);
            if (p == null) {
                return null;
            }
            double boost = clause.getValue();
            int[] docs = p.docs();
            float[] scores = p.scores();
            for (int i = 0; i < docs.length; i++) {
                int doc = docs[i];
                if (acc[doc] == 0) {
                    if (count == touched.length) {
                        touched = Arrays.copyOf(touched, Math.min(acc.length, count * 2));
                    }
                    touched[count++] = doc;
                }
                acc[doc] += boost * scores[i];
            }
        }
        FilteredKnn.TopK best = new FilteredKnn.TopK(n);
        for (int i = 0; i < count; i++) {
            int doc = touched[i];
            float score = (float) acc[doc];
            if (accepted != null) {
                int leaf = ReaderUtil.subIndex(doc, leaves);
                FixedBitSet bits = leaf < accepted.length ? accepted[leaf] : null;
                if (bits == null || !bits.get(doc - leaves.get(leaf).docBase)) {
                    continue;
                }
            }
            best.offer(doc, score);
        }
        return best.drain();
    }

    /** The searcher's term states (kept by the index). */
    interface TermStatesSource {
        TermStates of(Term term) throws IOException;
    }

    private Postings postings(Term term, TermStatesSource states) throws IOException {
        Postings known = byTerm.get(term);
        if (known != null) {
            return known;
        }
        TermStates termStates = states.of(term);
        if (kept.get() + termStates.docFreq() > maxPostings) {
            return null; // no room: not worth scoring the postings only to drop them
        }
        Weight w = searcher.createWeight(new TermQuery(term, termStates), ScoreMode.COMPLETE, 1f);
        int[] docs = new int[16];
        float[] scores = new float[16];
        int size = 0;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = w.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                if (size == docs.length) {
                    docs = Arrays.copyOf(docs, size * 2);
                    scores = Arrays.copyOf(scores, size * 2);
                }
                docs[size] = leaf.docBase + doc;
                scores[size] = scorer.score();
                size++;
            }
        }
        if (kept.addAndGet(size) > maxPostings) {
            kept.addAndGet(-size);
            return null;
        }
        Postings p = new Postings(Arrays.copyOf(docs, size), Arrays.copyOf(scores, size));
        Postings raced = byTerm.putIfAbsent(term, p);
        if (raced != null) {
            kept.addAndGet(-size);
            return raced;
        }
        return p;
    }
}
