package dev.rialto.benchmarks.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Waiting for the JIT before a clock starts. On these 2-core machines C2 compiled for seconds on one core after a
 * benchmark's warm-up (Lucene's and H2's paths are large): a path measured meanwhile shared the core's other
 * hardware thread with the compiler, and its figures moved by up to 2x from process to process
 * (docs/benchmarks.md, ninth session).
 */
public final class Jit {
    private Jit() {
    }

    /**
     * Returns once the compiler threads used at most 10 ms of CPU in each of {@code quietPeriods} periods of 200 ms
     * in a row, or after {@code maxMillis}; returns the milliseconds waited.
     */
    public static long settle(int quietPeriods, long maxMillis) {
        long start = System.nanoTime();
        long until = start + maxMillis * 1_000_000L;
        long seen = compilerMillis();
        int quiet = 0;
        while (System.nanoTime() < until && quiet < quietPeriods) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = compilerMillis();
            quiet = now - seen <= 10 ? quiet + 1 : 0;
            seen = now;
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }

    /**
     * The JIT compiler threads' CPU milliseconds where Linux shows them ({@code /proc/self/task}: a compilation in
     * progress counts, where the MXBean's total grows only when one ends, and C2 takes up to a second for the
     * largest methods); elsewhere the compilation MXBean's total time.
     */
    public static long compilerMillis() {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !stat.substring(open + 1, close).contains("Compiler")) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException notLinux) {
            var jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }
    }
}
