package dev.rialto.benchmarks.retrieval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.common.Settings;

/**
 * (b) The latency of gathering 500 fused candidates from all eight sources for one user, single thread, on a
 * synthetic shop: {@code recommend(user, n=500)} with no scorer bound, so the answer is the fused order. Each
 * source is also timed alone, asked for its quota. {@code cfg.<property>=value} parameters override the bundle's
 * configuration (weights, quotas...).
 */
final class FusedLatency {

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private FusedLatency() {
    }

    static void run(Path work, int nItems, int nUsers, int eventsPerUser, int requests, Map<String, Object> overrides,
            String dump, String compare, int merge) throws Exception {
        System.out.printf("%n== (b) 500 fused candidates, all sources: %,d items, %,d users, %,d events ==%n", nItems,
                nUsers, (long) nUsers * eventsPerUser);
        Synthetic shop = new Synthetic(nItems, nUsers, 42);
        try (Stack stack = Stack.synthetic(work, "fused-" + nItems, shop, eventsPerUser, overrides)) {
            if (merge > 0) {
                long t = System.nanoTime();
                stack.index.merge(merge);
                System.out.printf("index merged to %d segment(s) in %.1f s%n", stack.index.status(false).segments(),
                        (System.nanoTime() - t) / 1e9);
            }
            Random random = new Random(1);
            List<String> users = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                users.add(Synthetic.user(random.nextInt(nUsers)));
            }
            // Warm-up: JIT, Lucene's caches, the popularity rankings.
            for (int i = 0; i < Math.min(1000, requests); i++) {
                stack.recommender.recommend(new RecommendationRequest(users.get(i), 500, ItemFilter.DEFAULT));
            }
            long[] nanos = new long[requests];
            long[] cpu = new long[requests];
            long candidates = 0;
            List<List<String>> lists = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                long c = CPU.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                Recommendation r = stack.recommender.recommend(
                        new RecommendationRequest(users.get(i), 500, ItemFilter.DEFAULT));
                nanos[i] = System.nanoTime() - t;
                cpu[i] = CPU.getCurrentThreadCpuTime() - c;
                candidates += r.items().size();
                lists.add(r.items().stream().map(RecommendedItem::itemId).toList());
            }
            report("fused (recommend n=500)", nanos);
            // On a shared machine the wall time mostly measures the wait for a core; the thread's CPU time does not.
            report("fused, CPU time of the thread", cpu);
            System.out.printf("  mean candidates returned: %.1f%n", candidates / (double) requests);
            if (!dump.isEmpty()) {
                // One line per measured request: the fused ids in order, to compare two builds' answers.
                Files.write(Path.of(dump), lists.stream().map(l -> String.join(" ", l)).toList());
            }
            if (!compare.isEmpty()) {
                compare(Files.readAllLines(Path.of(compare)), lists);
            }

            Map<String, long[]> perSource = new LinkedHashMap<>();
            Map<String, long[]> perSourceCpu = new LinkedHashMap<>();
            Map<String, Long> found = new LinkedHashMap<>();
            // Each source alone, asked for its quota as the recommender asks it (outside a request, so each reads
            // the user's history itself).
            Map<String, Integer> quotas = Settings.counts(stack.config.source_quotas(), "source.quotas");
            for (Map.Entry<String, CandidateSource> e : stack.sources.entrySet()) {
                long[] ns = new long[requests];
                long[] cs = new long[requests];
                long n = 0;
                int quota = quotas.getOrDefault(e.getKey(), stack.config.candidates_per_source());
                for (int i = 0; i < requests; i++) {
                    CandidateQuery q = new CandidateQuery(users.get(i), null, quota, ItemFilter.DEFAULT);
                    long c = CPU.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    n += e.getValue().candidates(q).size();
                    ns[i] = System.nanoTime() - t;
                    cs[i] = CPU.getCurrentThreadCpuTime() - c;
                }
                perSource.put(e.getKey(), ns);
                perSourceCpu.put(e.getKey(), cs);
                found.put(e.getKey(), n);
            }
            perSource.forEach((name, ns) -> report("  source " + name + " (quota "
                    + quotas.getOrDefault(name, stack.config.candidates_per_source()) + ", mean "
                    + String.format("%.0f", found.get(name) / (double) requests) + " found)", ns));
            perSourceCpu.forEach((name, cs) -> report("  source " + name + ", CPU time", cs));
        }
    }

    /**
     * How far this run's fused lists agree with another build's (same users, same order): identical lists, and
     * the mean share of the other's top 500 (and top 100) found in this run's top 500.
     */
    static void compare(List<String> other, List<List<String>> mine) {
        int n = Math.min(other.size(), mine.size());
        int identical = 0;
        double share500 = 0;
        double share100 = 0;
        for (int i = 0; i < n; i++) {
            List<String> theirs = other.get(i).isBlank() ? List.of() : List.of(other.get(i).split(" "));
            java.util.Set<String> set = new java.util.HashSet<>(mine.get(i));
            if (theirs.equals(mine.get(i))) {
                identical++;
            }
            share500 += theirs.isEmpty() ? 1 : theirs.stream().filter(set::contains).count() / (double) theirs.size();
            List<String> head = theirs.subList(0, Math.min(100, theirs.size()));
            share100 += head.isEmpty() ? 1 : head.stream().filter(set::contains).count() / (double) head.size();
        }
        System.out.printf("  against the compared run: %d of %d lists identical; mean share of its top 500 found"
                + " %.4f, of its top 100 %.4f%n", identical, n, share500 / n, share100 / n);
    }

    static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-52s p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (%d requests)%n", what,
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
