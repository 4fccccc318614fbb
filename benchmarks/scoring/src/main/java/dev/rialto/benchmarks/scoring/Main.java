package dev.rialto.benchmarks.scoring;

import dev.rialto.api.models.TrainingReport;
import dev.rialto.demo.internal.DemoShop;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
        boolean cpu = args.length > 0 && args[0].equals("cpu");
        boolean profile = args.length > 0 && args[0].equals("profile");
        // cpu [calls] [setup...]: the CPU-time comparison (CpuTime) instead of JMH.
        CommandLineOptions cli = new CommandLineOptions(cpu || profile ? new String[0] : args);
        // -Drialto.bench.models=DIR keeps the trained models there and reuses them on the next run.
        String keep = System.getProperty(ScoringBenchmark.MODELS_PROPERTY);
        Path models = keep == null ? ScoringBenchmark.tempDir() : Path.of(keep).toAbsolutePath();
        try {
            DemoShop shop = new DemoShop();
            Collection<String> setups = cli.getParameter("setup").orElse(List.of(ScoringBenchmark.SETUPS));
            for (String setup : new LinkedHashSet<>(setups)) {
                if (java.nio.file.Files.isDirectory(ScoringBenchmark.modelsFolder(models, setup))) {
                    System.out.println("# ranker (" + setup + ") reused from " + models);
                    continue;
                }
                long started = System.nanoTime();
                TrainingReport report = ScoringBenchmark.train(shop, setup,
                        ScoringBenchmark.modelsFolder(models, setup));
                System.out.printf(Locale.ROOT, "# ranker %s (%s) trained on the demo shop (%d items, %d events) in "
                        + "%.1f s%n", report.version(), setup, shop.items.size(), shop.events.size(),
                        (System.nanoTime() - started) / 1e9);
            }
            System.out.printf(Locale.ROOT, "# histories padded to at least %d events per user (-D%s)%n",
                    Integer.getInteger(ScoringBenchmark.HISTORY_PROPERTY, 1000), ScoringBenchmark.HISTORY_PROPERTY);

            if (profile) {
                // profile PATH CALLS [setup]: one path alone, for a profiler.
                List<String> chosen = args.length > 3 ? List.of(args[3]) : List.of(ScoringBenchmark.SETUPS[0]);
                if (!java.nio.file.Files.isDirectory(ScoringBenchmark.modelsFolder(models, chosen.get(0)))) {
                    ScoringBenchmark.train(shop, chosen.get(0), ScoringBenchmark.modelsFolder(models, chosen.get(0)));
                }
                Profile.run(models.toString(), args[1], Integer.parseInt(args[2]), chosen);
                return;
            }
            if (cpu) {
                int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
                List<String> chosen = args.length > 2 ? List.of(args).subList(2, args.length)
                        : List.of(ScoringBenchmark.SETUPS);
                for (String setup : chosen) {
                    if (!java.nio.file.Files.isDirectory(ScoringBenchmark.modelsFolder(models, setup))) {
                        ScoringBenchmark.train(shop, setup, ScoringBenchmark.modelsFolder(models, setup));
                    }
                }
                CpuTime.run(models.toString(), calls, chosen);
                return;
            }
            OptionsBuilder builder = new OptionsBuilder();
            if (cli.getIncludes().isEmpty()) {
                builder.include(ScoringBenchmark.class.getName());
            }
            // The short defaults apply only where the command line says nothing (a builder's own setting would
            // win over its parent's).
            if (!cli.getForkCount().hasValue()) {
                builder.forks(1);
            }
            if (!cli.getWarmupIterations().hasValue()) {
                builder.warmupIterations(3);
            }
            if (!cli.getWarmupTime().hasValue()) {
                builder.warmupTime(TimeValue.seconds(2));
            }
            if (!cli.getMeasurementIterations().hasValue()) {
                builder.measurementIterations(4);
            }
            if (!cli.getMeasurementTime().hasValue()) {
                builder.measurementTime(TimeValue.seconds(3));
            }
            if (!cli.getThreads().hasValue()) {
                builder.threads(1);
            }
            List<String> jvmArgs = new java.util.ArrayList<>(List.of("-Xmx1g",
                    "-D" + ScoringBenchmark.MODELS_PROPERTY + "=" + models,
                    "-D" + ScoringBenchmark.HISTORY_PROPERTY + "="
                            + Integer.getInteger(ScoringBenchmark.HISTORY_PROPERTY, 1000),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
            cli.getJvmArgsAppend().orElse(List.of()).forEach(jvmArgs::add);
            Options options = builder.jvmArgsAppend(jvmArgs.toArray(String[]::new)).parent(cli).build();
            summarize(new Runner(options).run());
        } finally {
            if (keep == null) {
                ScoringBenchmark.deleteTree(models);
            }
        }
    }

    private static void summarize(Collection<RunResult> results) {
        // One summary per setup, in the order run.
        Map<String, Map<String, Result<?>>> bySetup = new java.util.LinkedHashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String setup = r.getParams().getParam("setup");
            bySetup.computeIfAbsent(setup == null ? "" : setup, k -> new HashMap<>())
                    .put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult());
        }
        bySetup.forEach(Main::summarize);
    }

    private static void summarize(String setup, Map<String, Result<?>> byName) {
        System.out.println();
        System.out.println("# Summary " + setup + " (ranker/trainer history.limit/scorer history.limit): "
                + ScoringBenchmark.CANDIDATES + " candidates, 1 thread, intra-op threads 1");
        Result<?> bare = byName.get("bareOrt");
        Result<?> features = byName.get("features");
        Map<String, String> labels = Map.of("scorer", "score() map (warm users)", "scorerCold",
                "score() map (cold users)", "scorerIndexed", "scoreIndexed() (warm users)", "scorerIndexedCold",
                "scoreIndexed() (cold users)");
        for (String name : new String[] {"scorerIndexed", "scorerIndexedCold", "scorer", "scorerCold"}) {
            Result<?> scorer = byName.get(name);
            if (scorer != null && bare != null) {
                double ratio = scorer.getScore() / bare.getScore();
                System.out.printf(Locale.ROOT, "throughput: %s %.0f ops/s, bare OrtSession.run %.0f ops/s, ratio %.3f"
                        + " (target >= %.1f: %s)%n", labels.get(name), scorer.getScore(), bare.getScore(), ratio,
                        RATIO_TARGET, ratio >= RATIO_TARGET ? "met" : "NOT met");
            }
        }
        if (features != null) {
            System.out.printf(Locale.ROOT, "throughput: feature path alone %.0f ops/s%n", features.getScore());
        }
        for (String name : new String[] {"scorerIndexedLatency", "scorerIndexedColdLatency", "scorerLatency",
            "scorerColdLatency", "bareOrtLatency", "featuresLatency"}) {
            Result<?> r = byName.get(name);
            if (r == null) {
                continue;
            }
            Statistics s = r.getStatistics();
            double toMs = "us".equals(r.getScoreUnit().substring(0, 2)) ? 1e-3 : 1.0;
            String line = String.format(Locale.ROOT, "latency %s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
                    + " max %.3f ms (%d samples)", name, s.getPercentile(50) * toMs, s.getPercentile(90) * toMs,
                    s.getPercentile(99) * toMs, s.getPercentile(99.9) * toMs, s.getMax() * toMs, s.getN());
            if (name.startsWith("scorer")) {
                line += s.getPercentile(99) * toMs <= P99_TARGET_MS ? " (p99 target <= 2 ms: met)"
                        : " (p99 target <= 2 ms: NOT met)";
            }
            System.out.println(line);
        }
    }
}
