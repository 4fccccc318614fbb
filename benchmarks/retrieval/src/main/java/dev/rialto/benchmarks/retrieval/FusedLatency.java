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
import dev.rialto.retrieval.lucene.internal.sources.BehaviourCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.CandidateCache;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;

/**
 * (b) The latency of gathering 500 fused candidates from all eight sources for one user, single thread, on a
 * synthetic shop: {@code recommend(user, n=500)} with no scorer bound, so the answer is the fused order. Three
 * passes over the same distinct users: the first request of each (none of them seen in the warm-up), the same
 * users again (the personal sources may serve their kept lists), and again after one item write through the
 * change feed (every kept list stale). Each source is also timed alone, asked for its quota, first and again. {@code cfg.<property>=value} parameters override the bundle's
 * configuration (weights, quotas...).
 */
final class FusedLatency {

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private FusedLatency() {
    }

    static void run(Path work, int nItems, int nUsers, int eventsPerUser, int requests, Map<String, Object> overrides,
            String dump, String compare, int merge, String jfr, int heapAb) throws Exception {
        System.out.printf("%n== (b) 500 fused candidates, all sources: %,d items, %,d users, %,d events ==%n", nItems,
                nUsers, (long) nUsers * eventsPerUser);
        Synthetic shop = new Synthetic(nItems, nUsers, 42);
        // The server's refresh interval (the other benchmarks' stack refreshes once a minute): requests run beside
        // the periodic refresh, and the after-write pass meets the refresh as a server does.
        Map<String, Object> cfg = new LinkedHashMap<>(overrides);
        cfg.putIfAbsent("refresh.interval.ms", 1000);
        try (Stack stack = Stack.synthetic(work, "fused-" + nItems, shop, eventsPerUser, cfg)) {
            // A fresh build merges in the background for minutes (100k items with two HNSW fields): measure the
            // index the server settles to, not one mid-merge.
            long waited = System.nanoTime();
            stack.index.awaitMerges();
            System.out.printf("background merges done after %.1f s: %d segment(s)%n",
                    (System.nanoTime() - waited) / 1e9, stack.index.status(false).segments());
            if (merge > 0) {
                long t = System.nanoTime();
                stack.index.merge(merge);
                System.out.printf("index merged to %d segment(s) in %.1f s%n", stack.index.status(false).segments(),
                        (System.nanoTime() - t) / 1e9);
            }
            // And for the index's own warm-up after that refresh (per-reader structures, the walks' heap copies):
            // requests during it walk from the file and run before the JIT compiled the heap walk (a quiet run at
            // 22:53 measured CPU p90 7.6 ms against 3.2 in the run before it, only from where the copy finished).
            waited = System.nanoTime();
            boolean warmed = stack.index.awaitWarm(300_000);
            System.out.printf("index warm-up %s after %.1f s%n", warmed ? "done" : "NOT done",
                    (System.nanoTime() - waited) / 1e9);
            // The measured users are distinct and not among the warm-up's: with the personal sources' caches
            // (source.cache.users) a user's first request is a miss and a repeated one may be served from them.
            Random random = new Random(1);
            java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<>();
            while (distinct.size() < Math.min(requests, nUsers / 2)) {
                distinct.add(Synthetic.user(random.nextInt(nUsers)));
            }
            List<String> users = new ArrayList<>(distinct);
            int measured = users.size();
            List<String> warm = new ArrayList<>();
            Random other = new Random(2);
            while (warm.size() < Math.min(Integer.getInteger("rialto.bench.fused.warm", 5000), nUsers - measured)) {
                String u = Synthetic.user(other.nextInt(nUsers));
                if (!distinct.contains(u)) {
                    warm.add(u);
                }
            }
            // Warm-up: JIT, Lucene's caches, the popularity rankings (rialto.bench.fused.warm users, 5,000), with
            // rialto.bench.fused.warmWrites (10) item writes spread over it, as a server taking catalogue updates
            // sees them: without them, the first refreshed searcher after the warm-up met code paths the JIT had
            // not profiled, and C2 recompiled for seconds (28 compilations of 0.1-1 s each in one recording).
            int warmWrites = Integer.getInteger("rialto.bench.fused.warmWrites", 10);
            int writeEvery = warmWrites > 0 ? Math.max(1, warm.size() / (warmWrites + 1)) : Integer.MAX_VALUE;
            for (int i = 0; i < warm.size(); i++) {
                if (i > 0 && i % writeEvery == 0 && i / writeEvery <= warmWrites) {
                    stack.index.itemsStored(List.of(stack.items.get(2 + i / writeEvery)));
                }
                stack.recommender.recommend(new RecommendationRequest(warm.get(i), 500, ItemFilter.DEFAULT));
            }
            // The writes' small segments are merged in the background, and each merge is a new reader (heap copies
            // of the merged segment, every kept list stale): measure after them, as after the build.
            stack.index.awaitVectors(60_000);
            stack.index.awaitMerges();
            stack.index.awaitWarm(60_000);
            // Then the JIT: after 1,000 warm-up users C2 still compiled on one core through the measured pass
            // (thread CPU, ninth session), and the first-request p99 of one jar went from 4.2 to 8.3 ms from process
            // to process; after 5,000 (the default now, rialto.bench.fused.warm) it was idle by the pass.
            long jitWait = dev.rialto.benchmarks.support.Jit.settle(3, 20_000);
            System.out.printf("warm-up: %d users; JIT settled after %d ms more%n", warm.size(), jitWait);
            // fused.jfr: a flight recording of the first-request pass only (execution samples every millisecond).
            // -Drialto.bench.fused.jfrPass=write records the pass after the item write instead.
            boolean jfrWrite = "write".equals(System.getProperty("rialto.bench.fused.jfrPass"));
            jdk.jfr.Recording recording = jfrWrite ? null : record(jfr);
            List<List<String>> cold = measure(stack, users, "fused, first request of each user");
            dump(recording, jfr);
            if (!dump.isEmpty()) {
                // One line per measured request: the fused ids in order, to compare two builds' answers.
                Files.write(Path.of(dump), cold.stream().map(l -> String.join(" ", l)).toList());
            }
            if (!compare.isEmpty()) {
                compare(Files.readAllLines(Path.of(compare)), cold);
            }
            System.out.printf("  caches after the first requests: %s%n", caches(stack));
            List<List<String>> again = measure(stack, users, "fused, the same users again");
            System.out.printf("  repeated lists identical to the first: %d of %d; caches: %s%n",
                    identical(cold, again), measured, caches(stack));
            // One item written through the change feed: every kept list is stale, every user is new again.
            // A first write and a few requests: the first multi-segment searcher meets code the JIT has not seen.
            // rialto.bench.fused.writeWarm (50) requests after it: with 50, C2 recompiled for about 3 s after the
            // measured write (2.75 s of its CPU in the 3.2 s after it, thread CPU, ninth session); a server that
            // takes writes all day has those paths compiled.
            stack.index.itemsStored(List.of(stack.items.get(1)));
            stack.index.awaitVectors(60_000);
            int writeWarm = Integer.getInteger("rialto.bench.fused.writeWarm", 50);
            for (int i = 0; i < writeWarm; i++) {
                if (i > 0 && i % 500 == 0) {
                    stack.index.itemsStored(List.of(stack.items.get(1 + i / 500)));
                }
                stack.recommender.recommend(new RecommendationRequest(warm.get(i % warm.size()), 500,
                        ItemFilter.DEFAULT));
            }
            if (writeWarm > 50) {
                dev.rialto.benchmarks.support.Jit.settle(3, 20_000);
            }
            stack.index.itemsStored(List.of(stack.items.get(0)));
            recording = jfrWrite ? record(jfr) : null;
            List<List<String>> changed = measure(stack, users, "fused, again after one item write");
            dump(recording, jfr);
            System.out.printf("  lists identical to the first: %d of %d; caches: %s%n", identical(cold, changed),
                    measured, caches(stack));
            // What the first call of each source after a refresh pays. After the pass, not before it: called outside
            // a request, each source takes a path the warm-up never took, and the JIT threw away the compiled
            // sources (made not entrant, -XX:+PrintCompilation), which the pass then ran slower until recompiled.
            stack.index.itemsStored(List.of(stack.items.get(0)));
            stack.index.awaitVectors(60_000);
            long written = stack.index.epoch();
            long until = System.nanoTime() + 30_000_000_000L;
            while (stack.index.epoch() == written && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            stack.index.awaitWarm(60_000);
            StringBuilder first = new StringBuilder();
            Map<String, Integer> q0 = Settings.counts(stack.config.source_quotas(), "source.quotas");
            for (Map.Entry<String, CandidateSource> e : stack.sources.entrySet()) {
                long c = CPU.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                e.getValue().candidates(new CandidateQuery(users.get(0), null,
                        q0.getOrDefault(e.getKey(), stack.config.candidates_per_source()), ItemFilter.DEFAULT));
                first.append(String.format("%s %.1f (wall %.1f); ", e.getKey(),
                        (CPU.getCurrentThreadCpuTime() - c) / 1e6, (System.nanoTime() - t) / 1e6));
            }
            System.out.printf("  first calls of each source after a refresh, CPU ms: %s%n", first);

            if (heapAb > 0) {
                heapAb(stack, users, heapAb);
            }
            Map<String, long[]> perSourceCpu = new LinkedHashMap<>();
            Map<String, long[]> perSourceAgain = new LinkedHashMap<>();
            Map<String, Long> found = new LinkedHashMap<>();
            // Each source alone, asked for its quota as the recommender asks it (outside a request, so each reads
            // the user's history itself): first with its cache emptied, then the same users again.
            Map<String, Integer> quotas = Settings.counts(stack.config.source_quotas(), "source.quotas");
            for (Map.Entry<String, CandidateSource> e : stack.sources.entrySet()) {
                CandidateCache cache = cache(e.getValue());
                if (cache != null) {
                    cache.clear();
                }
                int quota = quotas.getOrDefault(e.getKey(), stack.config.candidates_per_source());
                long n = 0;
                for (int pass = 0; pass < 2; pass++) {
                    long[] cs = new long[measured];
                    for (int i = 0; i < measured; i++) {
                        CandidateQuery q = new CandidateQuery(users.get(i), null, quota, ItemFilter.DEFAULT);
                        long c = CPU.getCurrentThreadCpuTime();
                        n += e.getValue().candidates(q).size();
                        cs[i] = CPU.getCurrentThreadCpuTime() - c;
                    }
                    (pass == 0 ? perSourceCpu : perSourceAgain).put(e.getKey(), cs);
                }
                found.put(e.getKey(), n / 2);
            }
            perSourceCpu.forEach((name, cs) -> report("  source " + name + " (quota "
                    + quotas.getOrDefault(name, stack.config.candidates_per_source()) + ", mean "
                    + String.format("%.0f", found.get(name) / (double) measured) + " found), CPU", cs));
            perSourceAgain.forEach((name, cs) -> report("  source " + name + " again, CPU", cs));
        }
    }

    /**
     * fused.heap.ab=MB: the same users' requests with the personal sources' kept lists emptied before each (so each
     * computes what a first request computes), in blocks of 20 users alternating between no heap copies of the
     * vectors and {@code MB} of them, three rounds: both settings meet the same load in one process. Also the
     * semantic and behaviour sources alone, in the same blocks.
     */
    private static void heapAb(Stack stack, List<String> users, int mb) {
        String[] modes = {"heap copies off", "knn.heap.mb=" + mb};
        long[][] fused = new long[2][3 * users.size() / 2 + 20];
        long[][] semantic = new long[2][fused[0].length];
        long[][] behaviour = new long[2][fused[0].length];
        int[] n = new int[2];
        int identical = 0;
        int compared = 0;
        java.util.Map<String, List<String>> first = new java.util.HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int block = 0; block * 20 < users.size(); block++) {
                int mode = (block + round) % 2;
                stack.index.heapVectors(mode == 0 ? 0 : mb);
                for (String u : users.subList(block * 20, Math.min(users.size(), block * 20 + 20))) {
                    stack.sources.values().forEach(src -> {
                        CandidateCache c = cache(src);
                        if (c != null) {
                            c.clear();
                        }
                    });
                    long c = CPU.getCurrentThreadCpuTime();
                    Recommendation r = stack.recommender.recommend(new RecommendationRequest(u, 500,
                            ItemFilter.DEFAULT));
                    fused[mode][n[mode]] = CPU.getCurrentThreadCpuTime() - c;
                    List<String> ids = r.items().stream().map(RecommendedItem::itemId).toList();
                    List<String> before = first.putIfAbsent(u, ids);
                    if (before != null) {
                        compared++;
                        identical += before.equals(ids) ? 1 : 0;
                    }
                    for (String name : List.of("semantic", "behaviour")) {
                        CandidateSource src = stack.sources.get(name);
                        cache(src).clear();
                        CandidateQuery q = new CandidateQuery(u, null, "semantic".equals(name) ? 100 : 500,
                                ItemFilter.DEFAULT);
                        long t = CPU.getCurrentThreadCpuTime();
                        src.candidates(q);
                        ("semantic".equals(name) ? semantic : behaviour)[mode][n[mode]] =
                                CPU.getCurrentThreadCpuTime() - t;
                    }
                    n[mode]++;
                }
            }
        }
        stack.index.heapVectors(mb);
        System.out.printf("%n  heap copies A/B, blocks of 20 users alternating, 3 rounds; lists identical across"
                + " rounds and settings: %d of %d%n", identical, compared);
        for (int m = 0; m < 2; m++) {
            report("  fused (lists emptied), " + modes[m] + ", CPU", Arrays.copyOf(fused[m], n[m]));
            report("  semantic alone, " + modes[m] + ", CPU", Arrays.copyOf(semantic[m], n[m]));
            report("  behaviour alone, " + modes[m] + ", CPU", Arrays.copyOf(behaviour[m], n[m]));
        }
    }

    /** A flight recording with execution samples every millisecond, started; null when {@code jfr} is empty. */
    private static jdk.jfr.Recording record(String jfr) throws Exception {
        if (jfr.isEmpty()) {
            return null;
        }
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
        recording.start();
        return recording;
    }

    private static void dump(jdk.jfr.Recording recording, String jfr) throws Exception {
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(jfr));
            recording.close();
        }
    }

    /** Each user's {@code recommend(n=500)} once, in order: wall and CPU time reported; the fused ids returned. */
    private static List<List<String>> measure(Stack stack, List<String> users, String what) {
        int requests = users.size();
        long[] nanos = new long[requests];
        long[] cpu = new long[requests];
        long candidates = 0;
        List<List<String>> lists = new ArrayList<>(requests);
        long epochAtStart = stack.index.epoch();
        if (Boolean.getBoolean("rialto.bench.fused.marks")) {
            // In order with -XX:+PrintCompilation's lines on the same stream: what the JIT did during the pass.
            System.out.println("PASS START " + what);
        }
        for (int i = 0; i < requests; i++) {
            if (i == 40 && Boolean.getBoolean("rialto.bench.fused.marks")) {
                System.out.println("PASS AT 40");
            }
            long c = CPU.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            Recommendation r = stack.recommender.recommend(
                    new RecommendationRequest(users.get(i), 500, ItemFilter.DEFAULT));
            nanos[i] = System.nanoTime() - t;
            cpu[i] = CPU.getCurrentThreadCpuTime() - c;
            candidates += r.items().size();
            lists.add(r.items().stream().map(RecommendedItem::itemId).toList());
        }
        System.out.printf("  (index epoch %d at the start of the pass, %d at the end; %d segment(s))%n", epochAtStart,
                stack.index.epoch(), stack.index.status(false).segments());
        String times = System.getProperty("rialto.bench.fused.times");
        if (times != null) {
            // Each request's CPU microseconds in order, one pass per line: do the slow ones cluster?
            try {
                Files.writeString(Path.of(times), what + ": " + Arrays.toString(Arrays.stream(cpu)
                        .map(c -> c / 1000).toArray()) + System.lineSeparator(),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        report(what + ", wall", nanos);
        // On a shared machine the wall time mostly measures the wait for a core; the thread's CPU time does not.
        report(what + ", CPU", cpu);
        System.out.printf("  mean candidates returned: %.1f%n", candidates / (double) requests);
        return lists;
    }

    private static int identical(List<List<String>> a, List<List<String>> b) {
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(i))) {
                same++;
            }
        }
        return same;
    }

    private static CandidateCache cache(CandidateSource s) {
        if (s instanceof TextCandidateSource t) {
            return t.cache();
        }
        if (s instanceof SemanticCandidateSource t) {
            return t.cache();
        }
        if (s instanceof BehaviourCandidateSource t) {
            return t.cache();
        }
        return null;
    }

    /** Hits and misses of the personal sources' caches so far. */
    private static String caches(Stack stack) {
        StringBuilder b = new StringBuilder();
        stack.sources.forEach((name, s) -> {
            CandidateCache c = cache(s);
            if (c != null) {
                b.append(String.format("%s %d hits / %d misses (%d kept); ", name, c.hits(), c.misses(), c.size()));
            }
        });
        return b.toString();
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
