package dev.rialto.retrieval.lucene.internal.recommend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, List<SourceHit>> hits = new LinkedHashMap<>();
        for (Map.Entry<String, List<Candidate>> e : bySource.entrySet()) {
            String source = e.getKey();
            double w = weights.getOrDefault(source, defaultWeight);
            Set<String> seen = new HashSet<>();
            int rank = 0;
            for (Candidate c : e.getValue()) {
                if (!seen.add(c.itemId())) {
                    continue;
                }
                rank++;
                scores.computeIfAbsent(c.itemId(), id -> new double[1])[0] += w / (k + rank);
                hits.computeIfAbsent(c.itemId(), id -> new ArrayList<>(2))
                        .add(new SourceHit(source, rank, c.score()));
            }
        }
        List<Fused> out = new ArrayList<>(scores.size());
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            List<SourceHit> h = hits.get(e.getKey());
            h.sort(Comparator.comparingInt(SourceHit::rank).thenComparing(SourceHit::source));
            out.add(new Fused(e.getKey(), e.getValue()[0], List.copyOf(h)));
        }
        out.sort(Comparator.comparingDouble(Fused::score).reversed()
                .thenComparing(Comparator.comparingInt((Fused f) -> f.hits().size()).reversed())
                .thenComparingInt(Fused::bestRank)
                .thenComparing(Fused::itemId));
        return out;
    }
}
