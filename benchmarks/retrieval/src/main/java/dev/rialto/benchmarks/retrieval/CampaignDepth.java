package dev.rialto.benchmarks.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.ItemFilter;

/**
 * (d) What a campaign's shallow gather costs and changes: the same users asked for n items (default 4, as a
 * newsletter) with the configured quotas ({@code candidates = 0}) and with a campaign's depth (default 50), in
 * batches of 500 through {@code recommendAll} as the campaign engine asks, the two settings alternating batch by
 * batch so that both see the same machine. Reports time per user for each, their ratio, and how many of the n items
 * the shallow answer shares with the full one.
 */
final class CampaignDepth {

    private CampaignDepth() {
    }

    static void run(Path work, int nItems, int nUsers, int eventsPerUser, int requests, int n, int depth,
            Map<String, Object> overrides) throws Exception {
        System.out.printf("%n== (d) campaign depth: n=%d, candidates 0 (configured quotas) vs %d; %,d items, %,d users,"
                + " %,d events ==%n", n, depth, nItems, nUsers, (long) nUsers * eventsPerUser);
        Synthetic shop = new Synthetic(nItems, nUsers, 42);
        try (Stack stack = Stack.synthetic(work, "depth-" + nItems, shop, eventsPerUser, overrides)) {
            Random random = new Random(3);
            List<String> users = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                users.add(Synthetic.user(random.nextInt(nUsers)));
            }
            int batch = 500;
            // Warm-up of both paths.
            for (int from = 0; from < Math.min(requests, 2 * batch); from += batch) {
                List<String> chunk = users.subList(from, Math.min(requests, from + batch));
                stack.recommender.recommendAll(requests(chunk, n, 0));
                stack.recommender.recommendAll(requests(chunk, n, depth));
            }
            long fullNanos = 0;
            long shallowNanos = 0;
            long shared = 0;
            long same = 0;
            long asked = 0;
            for (int from = 0, k = 0; from < requests; from += batch, k++) {
                List<String> chunk = users.subList(from, Math.min(requests, from + batch));
                List<Recommendation> full = null;
                List<Recommendation> shallow = null;
                // Alternate which goes first, so neither always meets a warmer cache.
                for (int pass = 0; pass < 2; pass++) {
                    boolean doFull = (pass == 0) == (k % 2 == 0);
                    long t = System.nanoTime();
                    List<Recommendation> r = stack.recommender.recommendAll(requests(chunk, n, doFull ? 0 : depth));
                    long took = System.nanoTime() - t;
                    if (doFull) {
                        full = r;
                        fullNanos += took;
                    } else {
                        shallow = r;
                        shallowNanos += took;
                    }
                }
                for (int i = 0; i < chunk.size(); i++) {
                    Set<String> a = ids(full.get(i));
                    Set<String> b = ids(shallow.get(i));
                    asked += a.size();
                    Set<String> both = new HashSet<>(a);
                    both.retainAll(b);
                    shared += both.size();
                    same += a.equals(b) ? 1 : 0;
                }
            }
            double fullPerUser = fullNanos / 1e6 / requests;
            double shallowPerUser = shallowNanos / 1e6 / requests;
            System.out.printf("configured quotas (candidates 0): %8.3f ms per user%n", fullPerUser);
            System.out.printf("campaign depth (candidates %d):   %8.3f ms per user  (%.2fx faster)%n", depth,
                    shallowPerUser, fullPerUser / shallowPerUser);
            System.out.printf("items shared with the full answer: %.1f%% of %,d; identical answers: %.1f%% of %,d users%n",
                    100.0 * shared / Math.max(1, asked), asked, 100.0 * same / requests, requests);
        }
    }

    private static List<RecommendationRequest> requests(List<String> users, int n, int depth) {
        List<RecommendationRequest> out = new ArrayList<>(users.size());
        for (String u : users) {
            out.add(new RecommendationRequest(u, n, ItemFilter.DEFAULT, Set.of(), depth));
        }
        return out;
    }

    private static Set<String> ids(Recommendation r) {
        Set<String> out = new HashSet<>();
        for (RecommendedItem item : r.items()) {
            out.add(item.itemId());
        }
        return out;
    }
}
