package dev.rialto.benchmarks.content;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.profiles.Consent;
import dev.rialto.content.internal.ContentBench;
import dev.rialto.demo.internal.DemoCatalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The content benchmark (issue 7): on the first 1,000 demo items, every kind, en and zh, 3 variants a request,
 * single thread, the real generation loop (guardrails, de-duplication, fallback) with the shipped templates:
 * generations per second of the template and grounded providers, guardrail latency per variant, the share of
 * requests that pass every guardrail on the first try, and the mean pairwise similarity of the variants.
 * Without an embedder: de-duplication and similarity use the lexical cosine (see docs/content.md).
 */
public final class Main {
    static final int ITEMS = 1000;
    static final int VARIANTS = 3;
    static final List<String> LOCALES = List.of("en", "zh");
    static final List<String> PROVIDERS = List.of("template", "grounded");
    static final Audience AUDIENCE = new Audience("home office workers", null, Consent.UNKNOWN,
            Map.of("interest", "quality materials"));

    public static void main(String[] args) throws Exception {
        boolean embeddings = List.of(args).contains("--embeddings");
        int at = List.of(args).indexOf("--items");
        int n = at >= 0 ? Integer.parseInt(args[at + 1]) : ITEMS;
        boolean qualityOnly = List.of(args).contains("--quality-only");
        List<Item> items = DemoCatalogue.items(Math.max(n, 100)).subList(0, n);
        ContentBench bench = new ContentBench(items, embeddings
                ? dev.rialto.embeddings.internal.BenchEmbedders.load(java.nio.file.Path.of("target", "djl-native"))
                : language -> null);
        int rounds = embeddings ? 1 : 3;
        System.out.printf(Locale.ROOT, "Content benchmark: %d demo items x %d kinds x %s, %d variants a request,"
                + " 1 thread, %s%n%n", items.size(), ContentKind.values().length, LOCALES, VARIANTS, embeddings
                ? "embeddings (MiniLM en, bge-small-zh zh) for ranking, de-duplication and similarity"
                : "lexical ranking, de-duplication and similarity (no embedder)");

        // Throughput, side by side, after a warm-up pass of each.
        for (String provider : qualityOnly ? List.<String>of() : PROVIDERS) {
            pass(bench, items, provider);
        }
        System.out.println("provider   requests/s  variants/s   (median of " + rounds + " passes of "
                + items.size() * ContentKind.values().length * LOCALES.size() + " requests)");
        for (String provider : qualityOnly ? List.<String>of() : PROVIDERS) {
            double[] rates = new double[rounds];
            long variants = 0;
            for (int round = 0; round < rates.length; round++) {
                long start = System.nanoTime();
                Quality q = pass(bench, items, provider);
                double seconds = (System.nanoTime() - start) / 1e9;
                rates[round] = q.requests / seconds;
                variants = q.variants;
            }
            Arrays.sort(rates);
            double perRequest = variants / (double) (items.size() * ContentKind.values().length * LOCALES.size());
            double median = rates[rates.length / 2];
            System.out.printf(Locale.ROOT, "%-10s %10.0f  %10.0f%n", provider, median, median * perRequest);
        }

        // Quality.
        System.out.println();
        System.out.println("provider   locale  first try: requests  drafts  fallback  variants/request  mean pairwise"
                + " similarity   first-draft violations by kind:check");
        List<Object[]> texts = new ArrayList<>();
        for (String provider : PROVIDERS) {
            for (String locale : LOCALES) {
                Quality q = new Quality();
                for (Item item : items) {
                    for (ContentKind kind : ContentKind.values()) {
                        ContentRequest request = ContentBench.request(kind, locale, item.id(), VARIANTS, provider,
                                AUDIENCE);
                        ContentResponse r = bench.generate(request);
                        q.add(r, bench, locale, bench.firstDrafts(request));
                        for (ContentVariant v : r.variants()) {
                            texts.add(new Object[] {kind, locale, item, v.text()});
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%-10s %-6s  %18.1f%%  %5.1f%%  %7.1f%%  %16.2f  %24.3f   %s%n",
                        provider, locale, 100.0 * q.firstTry / q.requests, 100.0 * q.draftsPassed / q.drafts,
                        100.0 * q.fallbacks / q.requests, q.variants / (double) q.requests,
                        q.similarity / q.pairsCounted, q.rejections);
            }
        }

        // Guardrail latency per variant: subjects prepared once per request, as the generator does.
        Object[] subjects = new Object[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            Object[] t = texts.get(i);
            subjects[i] = bench.subject((ContentKind) t[0], (String) t[1], (Item) t[2]);
        }
        long[] nanos = new long[texts.size()];
        int failed = 0;
        for (int round = 0; round < 4; round++) { // 3 warm-up rounds, the last measured
            failed = 0;
            for (int i = 0; i < texts.size(); i++) {
                long start = System.nanoTime();
                GuardrailReport report = bench.check(subjects[i], (String) texts.get(i)[3]);
                nanos[i] = System.nanoTime() - start;
                if (!report.passed()) {
                    failed++;
                }
            }
        }
        long total = Arrays.stream(nanos).sum();
        Arrays.sort(nanos);
        // Allocation per check, on this thread only (HotSpot's ThreadMXBean); -1 when the JVM cannot say.
        double allocated = -1;
        if (java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean threads && threads.isThreadAllocatedMemorySupported()) {
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < texts.size(); i++) {
                bench.check(subjects[i], (String) texts.get(i)[3]);
            }
            allocated = (threads.getThreadAllocatedBytes(id) - before) / (double) texts.size();
        }
        long prepStart = System.nanoTime();
        for (Object[] t : texts) {
            bench.subject((ContentKind) t[0], (String) t[1], (Item) t[2]);
        }
        double prepMicros = (System.nanoTime() - prepStart) / 1e3 / texts.size();
        System.out.println();
        System.out.printf(Locale.ROOT, "guardrails (the checks alone, apart from generation): %d variants checked,"
                + " mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us per variant (target <= 1000 us);"
                + " %.0f bytes allocated per check; %d failed; facts preparation %.1f us per request%n",
                texts.size(), total / 1e3 / texts.size(), nanos[nanos.length / 2] / 1e3,
                nanos[(int) (nanos.length * 0.99)] / 1e3, nanos[nanos.length - 1] / 1e3, allocated, failed,
                prepMicros);
    }

    private static Quality pass(ContentBench bench, List<Item> items, String provider) {
        Quality q = new Quality();
        for (String locale : LOCALES) {
            for (Item item : items) {
                for (ContentKind kind : ContentKind.values()) {
                    ContentResponse r = bench.generate(ContentBench.request(kind, locale, item.id(), VARIANTS,
                            provider, AUDIENCE));
                    q.requests++;
                    q.variants += r.variants().size();
                }
            }
        }
        return q;
    }

    static final class Quality {
        long requests;
        long variants;
        long firstTry;
        long fallbacks;
        double similarity;
        long pairsCounted;
        final java.util.TreeMap<String, Integer> rejections = new java.util.TreeMap<>();

        long drafts;
        long draftsPassed;

        void add(ContentResponse r, ContentBench bench, String locale, List<GuardrailReport> first) {
            requests++;
            variants += r.variants().size();
            drafts += first.size();
            draftsPassed += first.stream().filter(GuardrailReport::passed).count();
            for (GuardrailReport g : first) {
                for (GuardrailFinding f : g.violations()) {
                    rejections.merge(r.kind().id() + ":" + f.check(), 1, Integer::sum);
                }
            }
            if (!first.isEmpty() && first.stream().allMatch(GuardrailReport::passed)) {
                firstTry++;
            }
            if (r.fallback()) {
                fallbacks++;
                rejections.merge(r.kind().id() + ":fallback", 1, Integer::sum);
            }
            if (r.variants().size() >= 2) {
                similarity += bench.meanPairwiseSimilarity(r.variants().stream().map(ContentVariant::text).toList(),
                        locale);
                pairsCounted++;
            }
        }
    }
}
