package dev.rialto.benchmarks.retrieval;

import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.benchmarks.support.MemoryEvents;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourFile;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourModel;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;

/**
 * (c) Candidate recall on UCI Online Retail (Chen 2015, CC BY 4.0): purchases with a customer, quantity and price
 * above 0, product stock codes only; the last {@code holdoutDays} days held out. For each customer who bought in
 * both periods, the share of their distinct held-out purchases found in each source's top 500 and in the fused top
 * 500 (recommend n=500, no scorer), pooled over customers. Already-bought items stay in (repeat purchases are most
 * of this shop). Behaviour vectors come from a small iALS trained here on the training period (32 dims, 10
 * iterations, lambda 0.1, confidence 1 + 10 x purchases), using the index's own fold-in solver for both sides.
 * Text vectors are the bag-of-words projection of the synthetic benchmark, not MiniLM.
 */
final class CandidateRecall {

    private static final Pattern PRODUCT = Pattern.compile("\\d{5}[A-Za-z]{0,2}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private CandidateRecall() {
    }

    record Purchase(String user, String item, Instant at) {
    }

    /**
     * @param overrides configuration of the bundle ({@code cfg.<property>=value})
     * @param variants  more fusion settings measured on the same sources, {@code name:prop=v&prop=v;name2:...}
     *                  (for example {@code behaviour-first:source.weights=behaviour=2,popular=1})
     */
    static void run(Path work, Path csv, int holdoutDays, Map<String, Object> overrides, String variants,
            int maxUsers) throws Exception {
        System.out.printf("%n== (c) candidate recall on Online Retail, last %d days held out ==%n", holdoutDays);
        if (!Files.isRegularFile(csv)) {
            System.out.println("skipped: no " + csv.toAbsolutePath() + " (pass retail=PATH)");
            return;
        }
        Retail retail = Retail.load(csv, holdoutDays, maxUsers);
        Map<String, Item> items = retail.items();
        MemoryEvents train = retail.train();
        Map<String, Set<String>> heldOut = retail.heldOut();
        Map<String, Map<String, Double>> counts = retail.counts();
        Instant split = retail.split();
        long pairs = retail.pairs();

        Path dir = work.resolve("retail-" + holdoutDays);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        long t = System.nanoTime();
        BehaviourVectors vectors = ials(counts, items.keySet(), 32, 10, 0.1, 10, split);
        System.out.printf("iALS: %d users, %d items, 32 dims, 10 iterations in %.1f s%n", vectors.users().size(),
                vectors.items().size(), (System.nanoTime() - t) / 1e9);
        new BehaviourFile(dir.resolve("behaviour")).write(vectors);

        try (Stack stack = new Stack(dir, List.copyOf(items.values()), train, new Synthetic.WordEmbedder(384),
                withAlpha(overrides))) {
            Map<String, LuceneRecommender> fusions = new LinkedHashMap<>();
            fusions.put("fused (all sources)", stack.recommender);
            for (String variant : variants.split(";")) {
                if (variant.isBlank()) {
                    continue;
                }
                int colon = variant.indexOf(':');
                Map<String, Object> props = new LinkedHashMap<>(overrides);
                for (String kv : variant.substring(colon + 1).split("&")) {
                    int eq = kv.indexOf('=');
                    props.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
                LuceneRecommender r = new LuceneRecommender(stack.index, train);
                r.activate(Configs.of(props));
                stack.sources.forEach((name, source) -> r.addSource(source,
                        Map.of(ServiceProperties.PROVIDER, name)));
                fusions.put("fused, " + variant.substring(0, colon).strip() + " (" + variant.substring(colon + 1)
                        + ")", r);
            }
            ItemFilter all = new ItemFilter(null, Set.of(), false, false);
            Map<String, Long> hits = new LinkedHashMap<>();
            stack.sources.keySet().forEach(s -> hits.put(s, 0L));
            fusions.keySet().forEach(f -> hits.put(f, 0L));
            hits.put("reference: the customer's own past purchases (all)", 0L);
            for (Map.Entry<String, Set<String>> e : heldOut.entrySet()) {
                String user = e.getKey();
                Set<String> truth = e.getValue();
                CandidateQuery q = new CandidateQuery(user, null, 500, all);
                for (Map.Entry<String, CandidateSource> s : stack.sources.entrySet()) {
                    long found = s.getValue().candidates(q).stream().map(Candidate::itemId).filter(truth::contains)
                            .count();
                    hits.merge(s.getKey(), found, Long::sum);
                }
                for (Map.Entry<String, LuceneRecommender> f : fusions.entrySet()) {
                    List<RecommendedItem> fused = f.getValue().recommend(new RecommendationRequest(user, 500, all))
                            .items();
                    hits.merge(f.getKey(), fused.stream().map(RecommendedItem::itemId).filter(truth::contains)
                            .count(), Long::sum);
                }
                hits.merge("reference: the customer's own past purchases (all)",
                        counts.get(user).keySet().stream().filter(truth::contains).count(), Long::sum);
            }
            System.out.printf("%-52s %10s%n", "candidates (top 500)", "recall");
            hits.forEach((name, h) -> System.out.printf("%-52s %10.3f%n", name, h / (double) pairs));
        }
    }

    /** Online Retail split at the hold-out: the catalogue, training purchases as events, held-out items per customer. */
    record Retail(Map<String, Item> items, MemoryEvents train, Map<String, Set<String>> heldOut,
            Map<String, Map<String, Double>> counts, Instant split, long pairs) {

        static Retail load(Path csv, int holdoutDays, int maxUsers) throws java.io.IOException {
            Map<String, Item> items = new LinkedHashMap<>();
            List<Purchase> purchases = new ArrayList<>();
            try (Reader r = new InputStreamReader(new GZIPInputStream(Files.newInputStream(csv)),
                    StandardCharsets.UTF_8)) {
                for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                        .parse(r)) {
                    String invoice = row.get("InvoiceNo");
                    String code = row.get("StockCode").strip();
                    String customer = row.get("CustomerID").strip();
                    if (invoice.startsWith("C") || customer.isEmpty() || !PRODUCT.matcher(code).matches()) {
                        continue;
                    }
                    int quantity = Integer.parseInt(row.get("Quantity").strip());
                    BigDecimal price = new BigDecimal(row.get("UnitPrice").strip());
                    if (quantity <= 0 || price.signum() <= 0) {
                        continue;
                    }
                    String description = row.get("Description").strip();
                    items.putIfAbsent(code, new Item(code, description.isEmpty() ? code : description, "", "", price,
                            "GBP", true, "en", Map.of()));
                    String user = "c" + customer.replace(".0", "");
                    Instant at = LocalDateTime.parse(row.get("InvoiceDate").strip(), DATE).toInstant(ZoneOffset.UTC);
                    purchases.add(new Purchase(user, code, at));
                }
            }
            Instant newest = purchases.stream().map(Purchase::at).max(Instant::compareTo).orElseThrow();
            Instant split = newest.minus(Duration.ofDays(holdoutDays));
            MemoryEvents train = new MemoryEvents();
            List<Event> trainEvents = new ArrayList<>();
            Map<String, Set<String>> heldOut = new TreeMap<>();
            Map<String, Map<String, Double>> counts = new HashMap<>();
            int n = 0;
            for (Purchase p : purchases) {
                if (p.at().isBefore(split)) {
                    trainEvents.add(new Event("p" + (n++), EventType.PURCHASE, p.user(), p.item(), 1, p.at()));
                    counts.computeIfAbsent(p.user(), u -> new HashMap<>()).merge(p.item(), 1.0, Double::sum);
                } else {
                    heldOut.computeIfAbsent(p.user(), u -> new HashSet<>()).add(p.item());
                }
            }
            train.append(trainEvents);
            train.seal();
            heldOut.keySet().retainAll(counts.keySet());
            if (maxUsers > 0 && heldOut.size() > maxUsers) {
                // An even stride over the customers (by id), for quick tuning runs; the full run uses all.
                List<String> all = new ArrayList<>(heldOut.keySet());
                Set<String> keep = new HashSet<>();
                for (int i = 0; i < maxUsers; i++) {
                    keep.add(all.get((int) ((long) i * all.size() / maxUsers)));
                }
                heldOut.keySet().retainAll(keep);
            }
            long pairs = heldOut.values().stream().mapToLong(Set::size).sum();
            System.out.printf("%,d items, %,d training purchases (before %s), %,d test customers with history, %,d "
                    + "held-out (customer, item) pairs%n", items.size(), trainEvents.size(), split, heldOut.size(),
                    pairs);
            return new Retail(items, train, heldOut, counts, split, pairs);
        }
    }

    static Map<String, Object> withAlpha(Map<String, Object> overrides) {
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        all.putIfAbsent("behaviour.alpha", 10.0);
        return all;
    }

    /** iALS by alternating the index's fold-in solve over users and items. */
    static BehaviourVectors ials(Map<String, Map<String, Double>> userItems, Set<String> itemIds, int dims,
            int iterations, double lambda, double alpha, Instant trainedAt) {
        return ials(userItems, itemIds, dims, iterations, lambda, alpha, trainedAt, null);
    }

    /**
     * @param confidence the confidence to train with (and to publish); null: {@code 1 + alpha·w}, unpublished
     */
    static BehaviourVectors ials(Map<String, Map<String, Double>> userItems, Set<String> itemIds, int dims,
            int iterations, double lambda, double alpha, Instant trainedAt, FoldInConfidence confidence) {
        Random random = new Random(3);
        Map<String, Map<String, Double>> itemUsers = new HashMap<>();
        userItems.forEach((u, m) -> m.forEach((i, c) -> itemUsers.computeIfAbsent(i, x -> new HashMap<>()).put(u, c)));
        Map<String, float[]> items = new HashMap<>();
        for (String id : itemIds) {
            float[] v = new float[dims];
            for (int j = 0; j < dims; j++) {
                v[j] = (float) (0.1 * random.nextGaussian());
            }
            items.put(id, v);
        }
        Map<String, float[]> users = new HashMap<>();
        for (int it = 0; it < iterations; it++) {
            BehaviourModel byItems = new BehaviourModel(new BehaviourVectors("ials", "x", dims, items, Map.of(),
                    lambda, trainedAt, confidence));
            Map<String, float[]> nextUsers = new HashMap<>();
            userItems.forEach((u, m) -> nextUsers.put(u, byItems.foldIn(m, alpha)));
            users = nextUsers;
            BehaviourModel byUsers = new BehaviourModel(new BehaviourVectors("ials", "x", dims, users, Map.of(),
                    lambda, trainedAt, confidence));
            Map<String, float[]> nextItems = new HashMap<>();
            for (String id : itemIds) {
                Map<String, Double> m = itemUsers.get(id);
                float[] v = m == null ? null : byUsers.foldIn(m, alpha);
                nextItems.put(id, v == null ? new float[dims] : v);
            }
            items = nextItems;
        }
        return new BehaviourVectors("retail-ials", "1", dims, items, users, lambda, trainedAt, confidence);
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
