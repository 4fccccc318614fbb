package dev.rialto.retrieval.lucene.internal.recommend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

        int bestRank() {
            return hits.get(0).rank();
        }
    }

    private RrfFusion() {
    }

    /**
     * Fuses the lists. A list's rank is the 1-based position in it; an item listed twice by one source counts
     * once, at its better rank. Sources missing from {@code weights} weigh {@code defaultWeight}.
     */
    public static List<Fused> fuse(Map<String, List<Candidate>> bySource, Map<String, Double> weights,
            double defaultWeight, int k) {
        int total = 0;
        for (List<Candidate> l : bySource.values()) {
            total += l.size();
        }
        // One map entry per item, its hits in a small array: a request fuses about 1,500 candidates, and a map per
        // source to drop repeats, a second map for the hits and a list per item made fusion a tenth of the gather.
        Map<String, Acc> byItem = new HashMap<>(Math.max(16, total * 2));
        List<Acc> order = new ArrayList<>(total);
        int sourceIndex = 0;
        for (Map.Entry<String, List<Candidate>> e : bySource.entrySet()) {
            String source = e.getKey();
            double w = weights.getOrDefault(source, defaultWeight);
            int rank = 0;
            for (Candidate c : e.getValue()) {
                Acc acc = byItem.get(c.itemId());
                if (acc == null) {
                    acc = new Acc(c.itemId());
                    byItem.put(c.itemId(), acc);
                    order.add(acc);
                } else if (acc.lastSource == sourceIndex) {
                    continue; // listed twice by one source: counts once, at its better rank
                }
                rank++;
                acc.lastSource = sourceIndex;
                acc.score += w / (k + rank);
                acc.add(new SourceHit(source, rank, c.score()));
            }
            sourceIndex++;
        }
        Fused[] out = new Fused[order.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = order.get(i).fused();
        }
        Arrays.sort(out, RrfFusion::compare);
        return Arrays.asList(out);
    }

    /** Higher score first; then found by more sources; then the better best rank; then by id. */
    private static int compare(Fused a, Fused b) {
        int c = Double.compare(b.score(), a.score());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.hits().size(), a.hits().size());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.bestRank(), b.bestRank());
        return c != 0 ? c : a.itemId().compareTo(b.itemId());
    }

    /** One item's running score and hits, the hits kept ordered by rank, then source. */
    private static final class Acc {
        final String itemId;
        double score;
        int lastSource = -1;
        SourceHit[] hits = new SourceHit[2];
        int size;

        Acc(String itemId) {
            this.itemId = itemId;
        }

        void add(SourceHit hit) {
            if (size == hits.length) {
                hits = Arrays.copyOf(hits, size * 2);
            }
            int at = size++;
            while (at > 0 && HIT_ORDER.compare(hits[at - 1], hit) > 0) {
                hits[at] = hits[at - 1];
                at--;
            }
            hits[at] = hit;
        }

        Fused fused() {
            return new Fused(itemId, score, List.of(size == hits.length ? hits : Arrays.copyOf(hits, size)));
        }
    }

    private static final Comparator<SourceHit> HIT_ORDER = Comparator.comparingInt(SourceHit::rank)
            .thenComparing(SourceHit::source);
}
