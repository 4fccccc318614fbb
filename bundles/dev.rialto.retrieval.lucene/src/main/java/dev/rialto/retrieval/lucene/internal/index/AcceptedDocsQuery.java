package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.FixedBitSet;

/**
 * A filter already evaluated: the accepted documents of each leaf of one searcher, as bit sets ({@link FilterBits}),
 * used as a FILTER clause of a BM25 query so that the filter is not evaluated over every document again. Valid for
 * that searcher only; never cached by Lucene.
 */
final class AcceptedDocsQuery extends Query {
    private final FixedBitSet[] accepted;

    AcceptedDocsQuery(FixedBitSet[] accepted) {
        this.accepted = accepted;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public Scorer scorer(LeafReaderContext context) throws IOException {
                FixedBitSet bits = context.ord < accepted.length ? accepted[context.ord] : null;
                if (bits == null) {
                    return null;
                }
                return new ConstantScoreScorer(this, score(), scoreMode, new BitSetIterator(bits, bits.cardinality()));
            }

            @Override
            public boolean isCacheable(LeafReaderContext ctx) {
                return false;
            }
        };
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public String toString(String field) {
        return "AcceptedDocs";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
