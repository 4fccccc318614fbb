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
}
