package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.apache.lucene.search.ScoreDoc;
import org.junit.jupiter.api.Test;

/** The k best of a stream of (doc, score) equal a full sort's first k: score descending, then doc ascending. */
class TopKTest {

    @Test
    void keepsTheBestKInOrderWithTiesByDoc() {
        Random random = new Random(5);
        for (int round = 0; round < 300; round++) {
            int n = random.nextInt(round < 100 ? 50 : 5000);
            int k = switch (round % 5) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> random.nextInt(20) + 1;
                case 3 -> Math.max(1, n / 5);
                default -> n + random.nextInt(10);
            };
            // Few distinct scores in some rounds: many ties, broken by doc id. Docs offered in any order.
            int distinct = round % 2 == 0 ? 7 : 1_000_000;
            List<Integer> ids = new ArrayList<>();
            for (int d = 0; d < n; d++) {
                ids.add(d * 3 + random.nextInt(3));
            }
            java.util.Collections.shuffle(ids, random);
            FilteredKnn.TopK top = new FilteredKnn.TopK(k);
            List<ScoreDoc> all = new ArrayList<>();
            for (int id : ids) {
                float score = (random.nextInt(distinct) - distinct / 2) / 7f;
                top.offer(id, score);
                all.add(new ScoreDoc(id, score));
            }
            all.sort(Comparator.comparingDouble((ScoreDoc d) -> -d.score).thenComparingInt(d -> d.doc));
            ScoreDoc[] got = top.drain();
            assertEquals(Math.min(k, n), got.length, "round " + round);
            for (int i = 0; i < got.length; i++) {
                assertEquals(all.get(i).doc, got[i].doc, "round " + round + " position " + i);
                assertEquals(all.get(i).score, got[i].score, "round " + round + " position " + i);
            }
            assertEquals(0, top.drain().length, "drained");
        }
    }
}
