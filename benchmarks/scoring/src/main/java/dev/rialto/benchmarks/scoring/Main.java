package dev.rialto.benchmarks.scoring;

import dev.rialto.api.models.TrainingReport;
import dev.rialto.benchmarks.support.MemoryEvents;
import dev.rialto.benchmarks.support.MemoryItems;
import dev.rialto.demo.internal.DemoShop;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.training.internal.RankerFixture;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Trains the ranker on the demo shop once, then runs {@link ScoringBenchmark} in forked JVMs that load it, and
 * prints the summary issue 5 asks for. JMH command-line options (e.g. {@code -f 2 -i 10}) override the short
 * defaults chosen to keep the whole run under about three minutes.
 */
public final class Main {
    private static final double P99_TARGET_MS = 2.0;
    private static final double RATIO_TARGET = 0.8;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: the trainer's INFO lines would interleave with JMH's output.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        CommandLineOptions cli = new CommandLineOptions(args);
        Path models = ScoringBenchmark.tempDir();
        try {
            long started = System.nanoTime();
            DemoShop shop = new DemoShop();
            TrainingReport report = RankerFixture.train(new MemoryItems(shop.items), new MemoryEvents(shop.events),
                    new EngineeredFeatureExtractor(), models);
            System.out.printf(Locale.ROOT, "# ranker %s trained on the demo shop (%d items, %d events) in %.1f s%n",
                    report.version(), shop.items.size(), shop.events.size(), (System.nanoTime() - started) / 1e9);

            OptionsBuilder builder = new OptionsBuilder();
            if (cli.getIncludes().isEmpty()) {
                builder.include(ScoringBenchmark.class.getName());
            }
            Options options = builder
                    .forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(4).measurementTime(TimeValue.seconds(3))
                    .threads(1)
                    .jvmArgsAppend("-Xmx1g", "-D" + ScoringBenchmark.MODELS_PROPERTY + "=" + models,
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                    .parent(cli)
                    .build();
            summarize(new Runner(options).run());
        } finally {
            ScoringBenchmark.deleteTree(models);
        }
    }

    private static void summarize(Collection<RunResult> results) {
        Map<String, Result<?>> byName = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult());
        }
        System.out.println();
        System.out.println("# Summary: " + ScoringBenchmark.CANDIDATES + " candidates, 1 thread, intra-op threads 1");
        Result<?> scorer = byName.get("scorer");
        Result<?> bare = byName.get("bareOrt");
        Result<?> features = byName.get("features");
        if (scorer != null && bare != null) {
            double ratio = scorer.getScore() / bare.getScore();
            System.out.printf(Locale.ROOT, "throughput: scorer %.0f ops/s, bare OrtSession.run %.0f ops/s, ratio %.3f"
                    + " (target >= %.1f: %s)%n", scorer.getScore(), bare.getScore(), ratio, RATIO_TARGET,
                    ratio >= RATIO_TARGET ? "met" : "NOT met");
        }
        if (features != null) {
            System.out.printf(Locale.ROOT, "throughput: feature path alone %.0f ops/s%n", features.getScore());
        }
        for (String name : new String[] {"scorerLatency", "bareOrtLatency", "featuresLatency"}) {
            Result<?> r = byName.get(name);
            if (r == null) {
                continue;
            }
            Statistics s = r.getStatistics();
            double toMs = "us".equals(r.getScoreUnit().substring(0, 2)) ? 1e-3 : 1.0;
            String line = String.format(Locale.ROOT, "latency %s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
                    + " max %.3f ms (%d samples)", name, s.getPercentile(50) * toMs, s.getPercentile(90) * toMs,
                    s.getPercentile(99) * toMs, s.getPercentile(99.9) * toMs, s.getMax() * toMs, s.getN());
            if (name.equals("scorerLatency")) {
                line += s.getPercentile(99) * toMs <= P99_TARGET_MS ? " (p99 target <= 2 ms: met)"
                        : " (p99 target <= 2 ms: NOT met)";
            }
            System.out.println(line);
        }
    }
}
