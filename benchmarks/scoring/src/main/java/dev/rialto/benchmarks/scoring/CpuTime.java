package dev.rialto.benchmarks.scoring;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The same three paths as {@link ScoringBenchmark}, interleaved call by call in one thread and timed by the
 * thread's CPU time, not the wall clock: on a machine shared with other builds the wall clock mostly measures the
 * wait for a core, while the CPU time of a call (and the ratio of two paths run alternately) holds. Run with
 * {@code java -jar benchmarks.jar cpu [calls] [setup...]}.
 */
final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {
    }

    static void run(String models, int calls, List<String> setups) throws Exception {
        System.setProperty(ScoringBenchmark.MODELS_PROPERTY, models);
        for (String setup : setups) {
            ScoringBenchmark b = new ScoringBenchmark();
            b.setup = setup;
            b.setUp();
            try {
                boolean indexed = b.indexed();
                long[] scorer = new long[calls];
                long[] cold = new long[calls];
                long[] bare = new long[calls];
                long[] array = new long[calls];
                long[] arrayCold = new long[calls];
                long[] plain = new long[calls];
                long[] plainCold = new long[calls];
                long[] plainBare = new long[calls];
                long[] browsing = new long[calls];
                long[] browsingDropping = new long[calls];
                long[] features = new long[calls];
                long[] warmFeatures = new long[calls];
                double sink = 0;
                // Warm-up: as many calls as measured, alternating too.
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < calls; i++) {
                        long t0 = THREADS.getCurrentThreadCpuTime();
                        sink += b.scoreOnce();
                        long t1 = THREADS.getCurrentThreadCpuTime();
                        sink += b.bareOnce();
                        long t2 = THREADS.getCurrentThreadCpuTime();
                        sink += b.extractOnce();
                        long t3 = THREADS.getCurrentThreadCpuTime();
                        String user = b.coldUser(); // its cache entry dropped, outside the timing
                        long t4 = THREADS.getCurrentThreadCpuTime();
                        sink += b.scoreOnce(user);
                        long t5 = THREADS.getCurrentThreadCpuTime();
                        sink += b.extractWarmOnce();
                        long t6 = THREADS.getCurrentThreadCpuTime();
                        warmFeatures[i] = t6 - t5;
                        scorer[i] = t1 - t0;
                        bare[i] = t2 - t1;
                        features[i] = t3 - t2;
                        cold[i] = t5 - t4;
                        if (indexed) {
                            long a0 = THREADS.getCurrentThreadCpuTime();
                            sink += b.scoreIndexedOnce();
                            long a1 = THREADS.getCurrentThreadCpuTime();
                            String coldOne = b.coldUser();
                            long a2 = THREADS.getCurrentThreadCpuTime();
                            sink += b.scoreIndexedOnce(coldOne);
                            long a3 = THREADS.getCurrentThreadCpuTime();
                            sink += b.plainScoreOnce();
                            long a4 = THREADS.getCurrentThreadCpuTime();
                            String plainOne = b.plainColdUser();
                            long a5 = THREADS.getCurrentThreadCpuTime();
                            sink += b.plainScoreOnce(plainOne);
                            long a6 = THREADS.getCurrentThreadCpuTime();
                            sink += b.plainBareOnce();
                            long a7 = THREADS.getCurrentThreadCpuTime();
                            array[i] = a1 - a0;
                            arrayCold[i] = a3 - a2;
                            plain[i] = a4 - a3;
                            plainCold[i] = a6 - a5;
                            plainBare[i] = a7 - a6;
                            String browser = b.browsingUser(); // a new event stored and reported, untimed
                            long b0 = THREADS.getCurrentThreadCpuTime();
                            sink += b.scoreIndexedOnce(browser);
                            long b1 = THREADS.getCurrentThreadCpuTime();
                            sink += b.droppingScoreIndexedOnce(browser);
                            long b2 = THREADS.getCurrentThreadCpuTime();
                            browsing[i] = b1 - b0;
                            browsingDropping[i] = b2 - b1;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%n# CPU time per call, %s (ranker/trainer history.limit/scorer "
                        + "history.limit), %d calls each, interleaved, 1 thread (checksum %.3f)%n", setup, calls, sink);
                String model = indexed ? "indexed graph" : "plain graph";
                double s = line("score(user, 500 ids) map, warm user, " + model, scorer);
                double c = line("score(user, 500 ids) map, cold user, " + model, cold);
                double a = indexed ? line("scoreIndexed(user, 500 numbers), warm user", array) : Double.NaN;
                double ac = indexed ? line("scoreIndexed(user, 500 numbers), cold user", arrayCold) : Double.NaN;
                double bu = indexed ? line("scoreIndexed, after a new event: entry updated", browsing)
                        : Double.NaN;
                double bd = indexed ? line("before: scoreIndexed, after a new event: entry dropped",
                        browsingDropping) : Double.NaN;
                double o = line("bare OrtSession.run, " + model + ", same inputs", bare);
                double p = indexed ? line("before: score(user, 500 ids), warm user, plain graph", plain) : Double.NaN;
                double pc = indexed ? line("before: score(user, 500 ids), cold user, plain graph", plainCold)
                        : Double.NaN;
                double po = indexed ? line("before: bare OrtSession.run, plain graph, [500 x F]", plainBare)
                        : Double.NaN;
                line("feature path alone (history read + extraction)", features);
                line("feature path alone, warm (from the user's aggregates)", warmFeatures);
                long[] stats = b.cacheStats();
                System.out.printf(Locale.ROOT, "profile cache: %d hits, %d misses, %d users held, about %.1f MB,"
                        + " %d updates from windows, %d given up; candidates mapped again %d times (a new numbering)%n",
                        stats[0], stats[1], stats[2], stats[3] / 1048576d, stats[4], stats[5], b.remaps);
                if (indexed) {
                    ratio("scoreIndexed, warm", a, o);
                    ratio("scoreIndexed, cold", ac, o);
                    ratio("scoreIndexed, after a new event, updated", bu, o);
                    ratio("before: scoreIndexed, new event, dropped", bd, o);
                }
                ratio("score (map), warm, " + model, s, o);
                ratio("score (map), cold, " + model, c, o);
                if (indexed) {
                    ratio("before: score (map), warm, plain graph", p, po);
                    ratio("before: score (map), cold, plain graph", pc, po);
                }
            } finally {
                b.tearDown();
            }
        }
    }

    /** Throughput from mean CPU time of a scorer path and its bare loop, and their ratio against the 0.8 target. */
    private static void ratio(String what, double scorerNanos, double bareNanos) {
        double r = bareNanos / scorerNanos;
        System.out.printf(Locale.ROOT, "throughput from CPU time: %-40s %.0f calls/s, bare %.0f calls/s, ratio %.3f"
                + " (target >= 0.8: %s)%n", what, 1e9 / scorerNanos, 1e9 / bareNanos, r, r >= 0.8 ? "met" : "NOT met");
    }

    /** Prints p50/p90/p99/mean of the CPU times in ms; returns the mean in ns. */
    private static double line(String what, long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(ns).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%-56s p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, mean %.3f ms%n", what,
                pct(sorted, 50) / 1e6, pct(sorted, 90) / 1e6, pct(sorted, 99) / 1e6, mean / 1e6);
        return mean;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
