package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

import dev.rialto.api.retrieval.ItemFilter;

/**
 * The documents an {@link ItemFilter} accepts, as bit sets per leaf, evaluated once per searcher and filter and
 * reused by later requests: nearly every request asks the same few filters (available items, a category), and
 * evaluating one walks every document (the availability point query alone visits 95% of them). A request's
 * exclusions (its ids, the user's purchases or seen items) are cleared in a copy of the leaves they touch, never in
 * the cached sets. A new searcher (after a refresh) starts a new cache; the current searcher's is kept beside it
 * until the new one is published.
 */
final class FilterBits {

    /** Most filters kept per searcher (a set costs maxDoc / 8 bytes); beyond it the cache starts again. */
    static final int MAX_FILTERS = 32;

    /** The parts of a filter that do not depend on the request's exclusions. */
    private record Key(String categoryPrefix, boolean availableOnly, Set<String> brands, BigDecimal minPrice,
            BigDecimal maxPrice) {
    }

    /**
     * Accepted live documents: {@code bits[leaf ord]}, null for a leaf where none is accepted; {@code bits == null}
     * when the filter restricts nothing (every live document is accepted).
     */
    record Accepted(FixedBitSet[] bits) {
        static final Accepted ALL = new Accepted(null);

        boolean all() {
            return bits == null;
        }
    }

    private record Cache(IndexSearcher searcher, Map<Key, FixedBitSet[]> byFilter) {
    }

    /** The current searcher's and, during a refresh's warm-up, the next one's. */
    private final ReaderSlots<Cache> caches = new ReaderSlots<>();

    /** The documents of the searcher that the filter and the extra exclusions accept. */
    Accepted accepted(IndexSearcher searcher, ItemFilter filter, Collection<String> extraExcluded)
            throws IOException {
        boolean restricts = filter.categoryPrefix() != null || filter.availableOnly() || filter.restrictsBrandOrPrice();
        boolean excludes = !filter.excludeItemIds().isEmpty() || !extraExcluded.isEmpty();
        if (!restricts && !excludes) {
            return Accepted.ALL;
        }
        FixedBitSet[] base = restricts ? base(searcher, filter) : live(searcher);
        if (!excludes) {
            return new Accepted(base);
        }
        int[][] docs = excludedDocs(searcher, filter.excludeItemIds(), extraExcluded);
        FixedBitSet[] out = base.clone();
        for (int i = 0; i < out.length; i++) {
            boolean copied = false;
            for (int doc : docs[i]) {
                if (out[i] != null && out[i].get(doc)) {
                    if (!copied) {
                        out[i] = out[i].clone();
                        copied = true;
                    }
                    out[i].clear(doc);
                }
            }
        }
        return new Accepted(out);
    }

    /** The documents of a request's exclusions, per leaf, for one searcher. */
    private record Excluded(IndexSearcher searcher, Set<String> filterIds, Set<String> extra, int[][] docs) {
    }

    /**
     * The last exclusions resolved on this thread: the sources of one recommendation exclude the same purchases
     * and seen items, and resolving each id is a terms-dictionary seek per leaf (a tenth of a text or semantic
     * search). Compared by content, so any change of the user's exclusions resolves them again.
     */
    private final ThreadLocal<Excluded> lastExcluded = new ThreadLocal<>();

    private int[][] excludedDocs(IndexSearcher searcher, Set<String> filterIds, Collection<String> extraIds)
            throws IOException {
        Excluded last = lastExcluded.get();
        // Only a set can be compared by size and containment (a list may repeat an id).
        if (last != null && last.searcher() == searcher && extraIds instanceof Set<String> extraSet
                && last.filterIds().equals(filterIds) && last.extra().equals(extraSet)) {
            return last.docs();
        }
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int[][] docs = new int[leaves.size()][];
        PostingsEnum postings = null;
        // One terms enum per leaf, reused for every id: a fresh one per id (as LeafReader.postings(Term) makes)
        // rebuilt its frames and postings reader each time, most of the cost of a user's few dozen exclusions.
        for (int i = 0; i < leaves.size(); i++) {
            Terms terms = leaves.get(i).reader().terms(ItemIndex.F_ID);
            int[] found = new int[8];
            int n = 0;
            if (terms != null) {
                TermsEnum te = terms.iterator();
                for (Collection<String> ids : List.of(filterIds, extraIds)) {
                    for (String id : ids) {
                        if (!te.seekExact(new BytesRef(id))) {
                            continue;
                        }
                        postings = te.postings(postings, PostingsEnum.NONE);
                        for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS;
                                doc = postings.nextDoc()) {
                            if (n == found.length) {
                                found = Arrays.copyOf(found, n * 2);
                            }
                            found[n++] = doc;
                        }
                    }
                }
            }
            docs[i] = Arrays.copyOf(found, n);
        }
        lastExcluded.set(new Excluded(searcher, new HashSet<>(filterIds), new HashSet<>(extraIds), docs));
        return docs;
    }

    /**
     * Evaluates for a new searcher every filter that the previous searcher's cache held (the filters in use), so
     * that the first request after a refresh does not pay for them.
     */
    void warm(IndexSearcher searcher) throws IOException {
        Object newest = caches.newestReader();
        Cache old = newest == null ? null : caches.get(newest);
        if (old == null || old.searcher() == searcher) {
            return;
        }
        for (Key k : List.copyOf(old.byFilter().keySet())) {
            base(searcher, new ItemFilter(k.categoryPrefix(), Set.of(), k.availableOnly(), false, k.brands(),
                    k.minPrice(), k.maxPrice()));
        }
    }

    /** The cached sets of the filter without its exclusions, computed on first use for this searcher. */
    private FixedBitSet[] base(IndexSearcher searcher, ItemFilter filter) throws IOException {
        Cache c = caches.get(searcher);
        if (c == null) {
            c = new Cache(searcher, new ConcurrentHashMap<>());
            caches.put(searcher, c);
        }
        Key key = new Key(filter.categoryPrefix(), filter.availableOnly(), filter.brands(), filter.minPrice(),
                filter.maxPrice());
        FixedBitSet[] bits = c.byFilter().get(key);
        if (bits == null) {
            ItemFilter base = new ItemFilter(filter.categoryPrefix(), Set.of(), filter.availableOnly(), false,
                    filter.brands(), filter.minPrice(), filter.maxPrice());
            bits = evaluate(searcher, ItemIndex.filtered(null, base, Set.of()));
            if (c.byFilter().size() >= MAX_FILTERS) {
                c.byFilter().clear();
            }
            c.byFilter().put(key, bits);
        }
        return bits;
    }

    /** Every live document, per leaf (only for exclusions without a filter; not cached, it is one pass). */
    private static FixedBitSet[] live(IndexSearcher searcher) {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        FixedBitSet[] out = new FixedBitSet[leaves.size()];
        for (int i = 0; i < out.length; i++) {
            LeafReader r = leaves.get(i).reader();
            FixedBitSet bits = new FixedBitSet(r.maxDoc());
            Bits live = r.getLiveDocs();
            if (live == null) {
                bits.set(0, r.maxDoc());
            } else {
                for (int doc = 0; doc < r.maxDoc(); doc++) {
                    if (live.get(doc)) {
                        bits.set(doc);
                    }
                }
            }
            out[i] = bits;
        }
        return out;
    }

    /** The live documents matching the query, per leaf; null for a leaf without any. */
    static FixedBitSet[] evaluate(IndexSearcher searcher, Query query) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        FixedBitSet[] out = new FixedBitSet[leaves.size()];
        for (int i = 0; i < out.length; i++) {
            Scorer scorer = weight.scorer(leaves.get(i));
            if (scorer == null) {
                continue;
            }
            LeafReader r = leaves.get(i).reader();
            FixedBitSet bits = new FixedBitSet(r.maxDoc());
            Bits live = r.getLiveDocs();
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live == null || live.get(doc)) {
                    bits.set(doc);
                }
            }
            if (bits.cardinality() > 0) {
                out[i] = bits;
            }
        }
        return out;
    }
}
