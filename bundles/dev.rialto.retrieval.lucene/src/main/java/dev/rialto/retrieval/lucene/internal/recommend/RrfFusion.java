package dev.rialto.retrieval.lucene.internal.recommend;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.Candidate;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009): score(item) = sum over the sources that
 * found it of weight(source) / (k + rank). Ranks, not the sources' own scores, are fused, because BM25 and
 * popularity scores are not comparable.
 */
public final class RrfFusion {

    /** One fused item with every source that found it, best rank first. */
    public record Fused(String itemId, double score, List<SourceHit> hits) {
    }

    private RrfFusion() {
    }

    /**
     * Fuses the lists. A list's rank is the 1-based position in it; an item listed twice by one source counts
     * once, at its better rank. Sources missing from {@code weights} weigh {@code defaultWeight}.
     *
     * <p>The answer is ordered lazily: a recommendation fuses about 1,500 candidates but reads the first few
     * hundred, so only the prefix that is read gets sorted, and an item's hits are built when read. The order is
     * total (score, then number of sources, then best rank, then id), so it is the same as a full sort's.
     */
    public static List<Fused> fuse(Map<String, List<Candidate>> bySource, Map<String, Double> weights,
            double defaultWeight, int k) {
        int total = 0;
        for (List<Candidate> l : bySource.values()) {
            total += l.size();
        }
        Ranking r = new Ranking(bySource.size(), total);
        int sourceIndex = 0;
        for (Map.Entry<String, List<Candidate>> e : bySource.entrySet()) {
            r.sourceNames[sourceIndex] = e.getKey();
            double w = weights.getOrDefault(e.getKey(), defaultWeight);
            int rank = 0;
            for (Candidate c : e.getValue()) {
                int item = r.itemOf(c.itemId());
                if (r.lastSource[item] == sourceIndex) {
                    continue; // listed twice by one source: counts once, at its better rank
                }
                rank++;
                r.lastSource[item] = sourceIndex;
                r.score[item] += w / (k + rank);
                r.addHit(item, sourceIndex, rank, c.score());
            }
            sourceIndex++;
        }
        r.seal();
        return r;
    }

    /**
     * Items in flat arrays (no object per candidate or per hit), their order sorted on demand. Items are found by
     * an open-addressing table of ids: one probe array instead of a map entry per candidate.
     */
    private static final class Ranking extends AbstractList<Fused> implements RandomAccess {
        final String[] sourceNames;
        String[] ids;
        double[] score;
        int[] lastSource;
        int[] hitCount;
        int[] bestRank;
        int[] firstHit;
        int size;
        final int[] hitSource;
        final int[] hitRank;
        final double[] hitScore;
        final int[] nextHit;
        int hits;
        final int[] table; // item index + 1, 0 = empty
        final int mask;
        final int shift;
        int[] order;
        int sorted;
        Fused[] built;

        Ranking(int sources, int total) {
            sourceNames = new String[sources];
            int cap = Math.max(16, total);
            ids = new String[cap];
            score = new double[cap];
            lastSource = new int[cap];
            hitCount = new int[cap];
            bestRank = new int[cap];
            firstHit = new int[cap];
            hitSource = new int[Math.max(1, total)];
            hitRank = new int[hitSource.length];
            hitScore = new double[hitSource.length];
            nextHit = new int[hitSource.length];
            table = new int[Integer.highestOneBit(Math.max(8, total) * 2) * 2];
            mask = table.length - 1;
            shift = Integer.numberOfLeadingZeros(mask);
        }

        int itemOf(String id) {
            // Fibonacci hashing: ids such as i100000..i102499 have consecutive String hash codes, which a plain mask
            // maps to consecutive slots, and linear probing then walks whole clusters (most of fusion's time).
            int slot = (id.hashCode() * 0x9E3779B9) >>> shift;
            while (true) {
                int at = table[slot];
                if (at == 0) {
                    int item = size++;
                    ids[item] = id;
                    lastSource[item] = -1;
                    firstHit[item] = -1;
                    table[slot] = item + 1;
                    return item;
                }
                if (ids[at - 1].equals(id)) {
                    return at - 1;
                }
                slot = (slot + 1) & mask;
            }
        }

        void addHit(int item, int source, int rank, double sourceScore) {
            int h = hits++;
            hitSource[h] = source;
            hitRank[h] = rank;
            hitScore[h] = sourceScore;
            nextHit[h] = firstHit[item];
            firstHit[item] = h;
            if (hitCount[item]++ == 0 || rank < bestRank[item]) {
                bestRank[item] = rank;
            }
        }

        void seal() {
            order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            built = new Fused[size];
        }

        @Override
        public int size() {
            return size;
        }

        /** A window is usually read whole (the recommender's head): sort through its end at once. */
        @Override
        public List<Fused> subList(int from, int to) {
            if (to > sorted && to <= size && from <= to) {
                sortThrough(to - 1);
            }
            return super.subList(from, to);
        }

        @Override
        public Fused get(int i) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(i);
            }
            if (i >= sorted) {
                sortThrough(i);
            }
            Fused f = built[i];
            if (f == null) {
                f = build(order[i]);
                built[i] = f;
            }
            return f;
        }

        /** Sorts order[sorted..] far enough to cover position i: at least 64 more, at least 1.5 times i. */
        private void sortThrough(int i) {
            int want = Math.min(size, Math.max(sorted + 64, i + 1 + (i + 1) / 2));
            if (want < size) {
                select(sorted, size - 1, want - 1);
            }
            sort(sorted, want - 1);
            sorted = want;
        }

        /** Higher score first; then found by more sources; then the better best rank; then by id. */
        private int compare(int a, int b) {
            int c = Double.compare(score[b], score[a]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(hitCount[b], hitCount[a]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(bestRank[a], bestRank[b]);
            return c != 0 ? c : ids[a].compareTo(ids[b]);
        }

        /** Quickselect: afterwards order[nth] holds the item a full sort puts there, better items before it. */
        private void select(int lo, int hi, int nth) {
            while (hi > lo) {
                int p = partition(lo, hi);
                if (p == nth) {
                    return;
                }
                if (p < nth) {
                    lo = p + 1;
                } else {
                    hi = p - 1;
                }
            }
        }

        private void sort(int lo, int hi) {
            while (hi - lo > 16) {
                int p = partition(lo, hi);
                // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
                if (p - lo < hi - p) {
                    sort(lo, p - 1);
                    lo = p + 1;
                } else {
                    sort(p + 1, hi);
                    hi = p - 1;
                }
            }
            for (int i = lo + 1; i <= hi; i++) {
                int v = order[i];
                int j = i - 1;
                while (j >= lo && compare(order[j], v) > 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = v;
            }
        }

        /** Lomuto partition around the median of three; returns the pivot's final position. */
        private int partition(int lo, int hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(order[mid], order[lo]) < 0) {
                swap(mid, lo);
            }
            if (compare(order[hi], order[lo]) < 0) {
                swap(hi, lo);
            }
            if (compare(order[hi], order[mid]) < 0) {
                swap(hi, mid);
            }
            swap(mid, hi);
            int pivot = order[hi];
            int store = lo;
            for (int i = lo; i < hi; i++) {
                if (compare(order[i], pivot) < 0) {
                    swap(i, store++);
                }
            }
            swap(store, hi);
            return store;
        }

        private void swap(int a, int b) {
            int t = order[a];
            order[a] = order[b];
            order[b] = t;
        }

        private Fused build(int item) {
            return new Fused(ids[item], score[item], new Hits(this, item));
        }

        SourceHit[] hitsOf(int item) {
            SourceHit[] h = new SourceHit[hitCount[item]];
            int n = 0;
            for (int at = firstHit[item]; at >= 0; at = nextHit[at]) {
                h[n++] = new SourceHit(sourceNames[hitSource[at]], hitRank[at], hitScore[at]);
            }
            if (n > 1) {
                Arrays.sort(h, HIT_ORDER);
            }
            return h;
        }
    }

    /**
     * An item's hits, built when first read: the recommender keeps a few hundred fused items in its head but shows
     * the trace of a handful. Immutable; like the ranking, read by one request's thread.
     */
    private static final class Hits extends AbstractList<SourceHit> implements RandomAccess {
        private final Ranking ranking;
        private final int item;
        private SourceHit[] hits;

        Hits(Ranking ranking, int item) {
            this.ranking = ranking;
            this.item = item;
        }

        @Override
        public int size() {
            return ranking.hitCount[item];
        }

        @Override
        public SourceHit get(int i) {
            if (hits == null) {
                hits = ranking.hitsOf(item);
            }
            return hits[i];
        }
    }

    private static final Comparator<SourceHit> HIT_ORDER = Comparator.comparingInt(SourceHit::rank)
            .thenComparing(SourceHit::source);
}
