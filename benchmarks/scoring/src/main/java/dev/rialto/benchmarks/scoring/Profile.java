package dev.rialto.benchmarks.scoring;

import java.util.List;
import java.util.Locale;

/**
 * One path of {@link CpuTime} alone in a loop (after as many untimed calls), for a profiler (JFR) to see it without
 * the others, and its CPU time per call:
 * {@code java -jar benchmarks.jar profile PATH CALLS [setup]}, PATH one of warm, cold, updated, bare.
 */
final class Profile {
    private Profile() {
    }

    private static double once(ScoringBenchmark b, String path) throws Exception {
        return switch (path) {
            case "warm" -> b.scoreIndexedOnce();
            case "cold" -> b.scoreIndexedOnce(b.coldUser());
            case "updated" -> b.scoreIndexedOnce(b.browsingUser());
            case "bare" -> b.bareOnce();
            default -> throw new IllegalArgumentException("path " + path);
        };
    }

    static void run(String models, String path, int calls, List<String> setups) throws Exception {
        System.setProperty(ScoringBenchmark.MODELS_PROPERTY, models);
        ScoringBenchmark b = new ScoringBenchmark();
        b.setup = setups.get(0);
        b.setUp();
        try {
            System.out.println("# " + b.tableSizes());
            double sink = 0;
            // Untimed warm-up, as many calls: the JIT compiles the path first (CpuTime warms up the same way).
            for (int i = 0; i < calls; i++) {
                sink += once(b, path);
            }
            long started = System.nanoTime();
            long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                sink += once(b, path);
            }
            System.out.printf(Locale.ROOT, "# %s: %d calls in %.2f s, %.3f ms CPU a call (checksum %.3f), candidates"
                    + " mapped again %d times%n", path, calls, (System.nanoTime() - started) / 1e9,
                    (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu) / 1e6
                    / calls, sink, b.remaps);
        } finally {
            b.tearDown();
        }
    }
}
