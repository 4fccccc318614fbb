package dev.rialto.retrieval.lucene.internal.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.retrieval.lucene.internal.recommend.RrfFusion.Fused;

class RrfFusionTest {

    private static List<Candidate> list(String source, String... ids) {
        Candidate[] cs = new Candidate[ids.length];
        for (int i = 0; i < ids.length; i++) {
            cs[i] = new Candidate(ids[i], source, i + 1, 100 - i);
        }
        return List.of(cs);
    }

    private static Map<String, List<Candidate>> lists(Object... pairs) {
        Map<String, List<Candidate>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Candidate> l = (List<Candidate>) pairs[i + 1];
            m.put((String) pairs[i], l);
        }
        return m;
    }

    @Test
    void scoresAreWeightedReciprocalRanks() {
        List<Fused> fused = RrfFusion.fuse(lists("a", list("a", "x", "y", "z"), "b", list("b", "y", "w")),
                Map.of("a", 1.0, "b", 0.5), 1.0, 60);
        assertEquals(List.of("y", "x", "z", "w"), fused.stream().map(Fused::itemId).toList());
        Fused y = fused.get(0);
        assertEquals(1.0 / 62 + 0.5 / 61, y.score(), 1e-12);
        assertEquals(List.of(new SourceHit("b", 1, 100), new SourceHit("a", 2, 99)), y.hits());
        assertEquals(1.0 / 61, fused.get(1).score(), 1e-12);
        assertEquals(1.0 / 63, fused.get(2).score(), 1e-12);
        assertEquals(0.5 / 62, fused.get(3).score(), 1e-12);
    }

    @Test
    void foundByTwoSourcesOutranksFoundByOneAtTheSameRanks() {
        // p: rank 1 in a only. q: rank 1 in b and rank 1 in c.
        List<Fused> fused = RrfFusion.fuse(lists("a", list("a", "p"), "b", list("b", "q"), "c", list("c", "q")),
                Map.of(), 1.0, 60);
        assertEquals(List.of("q", "p"), fused.stream().map(Fused::itemId).toList());
        assertEquals(2.0 / 61, fused.get(0).score(), 1e-12);
        assertEquals(2, fused.get(0).hits().size());
    }

    @Test
    void duplicatesWithinOneSourceCountOnceAndTiesAreStable() {
        List<Fused> fused = RrfFusion.fuse(lists("a", list("a", "x", "x", "y"), "b", list("b", "y", "x")),
                Map.of(), 1.0, 0);
        // x: 1/1 + 1/2, y: 1/2 + 1/1 -> equal; same source count; best rank 1 for both; by id.
        assertEquals(List.of("x", "y"), fused.stream().map(Fused::itemId).toList());
        assertEquals(1.5, fused.get(0).score(), 1e-12);
        assertEquals(1.5, fused.get(1).score(), 1e-12);
        assertEquals(2, fused.get(0).hits().size());
    }

    @Test
    void unlistedSourcesTakeTheDefaultWeight() {
        List<Fused> fused = RrfFusion.fuse(lists("new", list("new", "x")), Map.of("text", 2.0), 1.0, 60);
        assertEquals(1.0 / 61, fused.get(0).score(), 1e-12);
    }

    /** The fusion as it was before it kept one entry per item: the reference the faster one must equal. */
    private static List<Fused> reference(Map<String, List<Candidate>> bySource, Map<String, Double> weights,
            double defaultWeight, int k) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, List<SourceHit>> hits = new LinkedHashMap<>();
        for (Map.Entry<String, List<Candidate>> e : bySource.entrySet()) {
            String source = e.getKey();
            double w = weights.getOrDefault(source, defaultWeight);
            java.util.Set<String> seen = new java.util.HashSet<>();
            int rank = 0;
            for (Candidate c : e.getValue()) {
                if (!seen.add(c.itemId())) {
                    continue;
                }
                rank++;
                scores.computeIfAbsent(c.itemId(), id -> new double[1])[0] += w / (k + rank);
                hits.computeIfAbsent(c.itemId(), id -> new java.util.ArrayList<>(2))
                        .add(new SourceHit(source, rank, c.score()));
            }
        }
        List<Fused> out = new java.util.ArrayList<>(scores.size());
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            List<SourceHit> h = hits.get(e.getKey());
            h.sort(java.util.Comparator.comparingInt(SourceHit::rank).thenComparing(SourceHit::source));
            out.add(new Fused(e.getKey(), e.getValue()[0], List.copyOf(h)));
        }
        out.sort(java.util.Comparator.comparingDouble(Fused::score).reversed()
                .thenComparing(java.util.Comparator.comparingInt((Fused f) -> f.hits().size()).reversed())
                .thenComparingInt(f -> f.hits().get(0).rank())
                .thenComparing(Fused::itemId));
        return out;
    }

    @Test
    void equalsTheReferenceFusionOnRandomListsWithRepeatsAndTies() {
        java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < 200; round++) {
            Map<String, List<Candidate>> lists = new java.util.TreeMap<>();
            int sources = 1 + random.nextInt(8);
            for (int s = 0; s < sources; s++) {
                String name = "s" + s;
                int n = random.nextInt(300);
                List<Candidate> l = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    // A small id space: many items found by several sources, some listed twice by one.
                    l.add(new Candidate("i" + random.nextInt(400), name, i + 1, random.nextInt(5)));
                }
                lists.put(name, l);
            }
            Map<String, Double> weights = Map.of("s0", 2.0, "s1", 0.5, "s3", 1.0, "s5", 0.2);
            int k = random.nextBoolean() ? 60 : 0;
            assertEquals(reference(lists, weights, 1.0, k), RrfFusion.fuse(lists, weights, 1.0, k), "round " + round);
        }
    }

    @Test
    void aPrefixReadFirstAndPositionsReadOutOfOrderMatchTheFullSort() {
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 100; round++) {
            Map<String, List<Candidate>> lists = new java.util.TreeMap<>();
            for (int s = 0; s < 6; s++) {
                List<Candidate> l = new java.util.ArrayList<>();
                int n = 100 + random.nextInt(500);
                for (int i = 0; i < n; i++) {
                    l.add(new Candidate("i" + random.nextInt(2_000), "s" + s, i + 1, random.nextDouble()));
                }
                lists.put("s" + s, l);
            }
            Map<String, Double> weights = Map.of("s0", 2.0, "s2", 0.5);
            List<Fused> expected = reference(lists, weights, 1.0, 60);
            List<Fused> fused = RrfFusion.fuse(lists, weights, 1.0, 60);
            assertEquals(expected.size(), fused.size());
            // As the recommender reads it: a head window, then further windows when items fail the filter.
            int window = 1 + random.nextInt(300);
            assertEquals(expected.subList(0, Math.min(window, expected.size())),
                    fused.subList(0, Math.min(window, fused.size())), "round " + round);
            List<Integer> positions = new java.util.ArrayList<>();
            for (int i = 0; i < fused.size(); i++) {
                positions.add(i);
            }
            java.util.Collections.shuffle(positions, random);
            for (int i : positions.subList(0, Math.min(200, positions.size()))) {
                assertEquals(expected.get(i), fused.get(i), "round " + round + ", position " + i);
            }
            assertEquals(expected, fused, "round " + round);
        }
    }
}
