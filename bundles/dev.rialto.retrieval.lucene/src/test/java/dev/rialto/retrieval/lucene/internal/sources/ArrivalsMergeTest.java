package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The lazy k-way merge of the categories' arrival positions equals sorting their union, cut to the limit. */
class ArrivalsMergeTest {

    @Test
    void mergeEqualsTheSortedUnionCutToTheLimit() {
        Random random = new Random(8);
        for (int round = 0; round < 100; round++) {
            int k = 1 + random.nextInt(4);
            int[] owner = IntStream.range(0, 2000).map(i -> random.nextInt(k + 1)).toArray();
            List<int[]> lists = new ArrayList<>();
            for (int l = 0; l < k; l++) {
                int list = l;
                lists.add(IntStream.range(0, owner.length).filter(i -> owner[i] == list).toArray());
            }
            int[] union = lists.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            for (int limit : new int[] {0, 1, 64, 1064, Integer.MAX_VALUE}) {
                assertArrayEquals(Arrays.copyOf(union, Math.min(limit, union.length)),
                        NewArrivalsCandidateSource.merged(lists, limit), "round " + round + " limit " + limit);
            }
        }
    }
}
