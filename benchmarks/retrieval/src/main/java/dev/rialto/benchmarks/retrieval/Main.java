package dev.rialto.benchmarks.retrieval;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the retrieval benchmarks: {@code java -jar benchmarks.jar [fused] [depth] [hnsw] [recall] [foldin] [key=value...]};
 * no benchmark named runs fused, hnsw and recall. See benchmarks/README.md for the parameters.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> p = new HashMap<>();
        java.util.Set<String> which = new java.util.LinkedHashSet<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                p.put(a.substring(0, eq), a.substring(eq + 1));
            } else {
                which.add(a);
            }
        }
        if (which.isEmpty()) {
            which.addAll(java.util.List.of("fused", "hnsw", "recall"));
        }
        Path work = Path.of(p.getOrDefault("work", "benchmarks/retrieval/target/work")).toAbsolutePath();
        System.out.printf("Rialto retrieval benchmarks, %d cores, max heap %d MB, Java %s, work dir %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), work);
        for (String w : which) {
            switch (w) {
                case "fused" -> FusedLatency.run(work, i(p, "fused.items", 100_000), i(p, "fused.users", 20_000),
                        i(p, "fused.events", 30), i(p, "fused.requests", 2_000), Configs.overrides(p),
                        p.getOrDefault("fused.dump", ""), p.getOrDefault("fused.compare", ""),
                        i(p, "fused.merge", 0), p.getOrDefault("fused.jfr", ""),
                        i(p, "fused.heap.ab", 0));
                case "depth" -> CampaignDepth.run(work, i(p, "depth.items", 100_000), i(p, "depth.users", 20_000),
                        i(p, "depth.events", 30), i(p, "depth.requests", 4_000), i(p, "depth.n", 4),
                        i(p, "depth.candidates", 50), Configs.overrides(p));
                case "hnsw" -> HnswRecall.run(work, p);
                case "foldin" -> FoldInRecall.run(work, Path.of(p.getOrDefault("retail",
                        "../shared/datasets/online-retail/online_retail.csv.gz")), i(p, "recall.holdout.days", 30),
                        Configs.overrides(p), i(p, "recall.users", 0));
                case "recall" -> CandidateRecall.run(work, Path.of(p.getOrDefault("retail",
                        "../shared/datasets/online-retail/online_retail.csv.gz")), i(p, "recall.holdout.days", 30),
                        Configs.overrides(p), p.getOrDefault("recall.variants", ""), i(p, "recall.users", 0));
                default -> throw new IllegalArgumentException("unknown benchmark '" + w
                        + "', expected fused, depth, hnsw, recall or foldin");
            }
        }
    }

    static int i(Map<String, String> p, String key, int def) {
        return p.containsKey(key) ? Integer.parseInt(p.get(key).replace("_", "")) : def;
    }
}
