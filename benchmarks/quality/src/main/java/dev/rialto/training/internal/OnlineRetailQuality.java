package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The trainer's evaluation on the UCI Online Retail data: purchases with a customer, quantity and price above 0,
 * not cancelled, product stock codes only; the test period starts at the split date (default 2011-11-09, UK
 * time). Prints every contender's HR@10 and NDCG@10 (full ranking and sampled) and writes them as JSON, and the
 * events in the ingest CSV format for models/sequence/train.py.
 *
 * <p>Arguments: {@code online_retail.csv.gz out-dir [split-date]}. System properties: {@code quality.since} (drop
 * earlier events: a reduced run), {@code quality.until} (drop events from that date on: a validation run carved
 * from the training time, for tuning without looking at the test period), {@code quality.exclude} (features to
 * leave out), {@code quality.ranker}, {@code quality.epochs}, {@code quality.history.negatives} (the trainer's
 * negatives.history.share), {@code quality.history.limit} (its history.limit), {@code quality.fm.factors},
 * {@code quality.negatives} (its negatives.per.positive), {@code quality.pipeline} ({@code false}: leave the
 * pipeline out, for quicker screening), {@code quality.sources.exclude}, {@code retrieval.*}.
 */
public final class OnlineRetailQuality {
    private static final ZoneId UK = ZoneId.of("Europe/London");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        Instant splitAt = LocalDateTime.parse((args.length > 2 ? args[2] : "2011-11-09") + " 00:00:00", DATE)
                .atZone(UK).toInstant();
        Map<String, Item> items = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        long rows = 0;
        try (Reader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            CsvReader csv = new CsvReader(in);
            List<String> header = csv.next();
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                col.put(header.get(i).strip(), i);
            }
            List<String> r;
            while ((r = csv.next()) != null) {
                rows++;
                String invoice = r.get(col.get("InvoiceNo")).strip();
                String code = r.get(col.get("StockCode")).strip().toUpperCase(Locale.ROOT);
                String customer = r.get(col.get("CustomerID")).strip();
                int quantity;
                BigDecimal price;
                try {
                    quantity = Integer.parseInt(r.get(col.get("Quantity")).strip());
                    price = new BigDecimal(r.get(col.get("UnitPrice")).strip());
                } catch (NumberFormatException e) {
                    continue;
                }
                // Products have numeric stock codes (with a letter suffix for variants); POST, DOT, M, ... are not.
                if (customer.isEmpty() || invoice.startsWith("C") || quantity <= 0 || price.signum() <= 0
                        || !Character.isDigit(code.charAt(0))) {
                    continue;
                }
                String user = customer.endsWith(".0") ? customer.substring(0, customer.length() - 2) : customer;
                Instant at = LocalDateTime.parse(r.get(col.get("InvoiceDate")).strip(), DATE).atZone(UK).toInstant();
                String description = r.get(col.get("Description")).strip();
                items.putIfAbsent(code, new Item(code, description.isEmpty() ? code : description, "", "Retail",
                        price, "GBP", true, "en", null));
                events.add(new Event("r" + rows, EventType.PURCHASE, user, code, quantity, at));
            }
        }
        String since = System.getProperty("quality.since");
        if (since != null) {
            // A reduced run: only the events from this date on (the split stays where it is).
            Instant from = LocalDateTime.parse(since + " 00:00:00", DATE).atZone(UK).toInstant();
            events.removeIf(e -> e.timestamp().isBefore(from));
        }
        String until = System.getProperty("quality.until");
        if (until != null) {
            // Validation: drop the events from this date on (the real test period), and split earlier.
            Instant end = LocalDateTime.parse(until + " 00:00:00", DATE).atZone(UK).toInstant();
            if (!splitAt.isBefore(end)) {
                throw new IllegalArgumentException("quality.until (" + until + ") must be after the split date");
            }
            events.removeIf(e -> !e.timestamp().isBefore(end));
            System.out.println("validation run: events from " + until + " on are left out");
        }
        events.sort(java.util.Comparator.comparing(Event::timestamp));
        int split = 0;
        while (split < events.size() && events.get(split).timestamp().isBefore(splitAt)) {
            split++;
        }
        int n = events.size();
        // The trainer splits by count: this fraction puts the quantile index exactly on the first test event.
        double testFraction = (n - split - 0.5) / n;
        System.out.printf(Locale.ROOT, "%d rows, %d purchases kept, %d items, split at %s (event %d, test fraction "
                + "%.4f)%n", rows, n, items.size(), splitAt, split, testFraction);

        Path csvOut = out.resolve("online-retail-events.csv");
        try (var w = Files.newBufferedWriter(csvOut)) {
            w.write("id,type,user,item,quantity,timestamp\n");
            for (Event e : events) {
                w.write(e.id() + ",purchase," + e.userId() + "," + e.itemId() + "," + e.quantity() + ","
                        + e.timestamp() + "\n");
            }
        }
        try (var w = Files.newBufferedWriter(out.resolve("online-retail-items.csv"))) {
            w.write("id\n");
            for (String id : items.keySet()) {
                w.write(id + "\n");
            }
        }

        // The configuration chosen on the validation split (quality.until, docs/benchmarks.md): the factorisation
        // machine over features from the user's last 1,000 events. -Dquality.ranker=logistic
        // -Dquality.history.limit=100 gives the trainer's shipped defaults.
        Settings settings = new Settings(Files.createDirectories(out.resolve("models")), "ranker", 1000,
                Integer.getInteger("quality.negatives", 4),
                testFraction, 12345L, Integer.getInteger("quality.epochs", 5), "ndcg@10.full",
                Integer.getInteger("quality.history.limit", 1000), null,
                System.getProperty("quality.ranker", Settings.FM), Integer.getInteger("quality.fm.factors", 8),
                Double.parseDouble(System.getProperty("quality.history.negatives", "0")));
        System.out.println("ranker: " + settings.ranker() + (Settings.FM.equals(settings.ranker())
                ? " (" + settings.fmFactors() + " factors)" : "") + ", " + settings.epochs() + " epochs, history "
                + "negatives " + settings.historyNegatives() + ", history limit " + settings.historyLimit());
        long started = System.nanoTime();
        TrainingRun.Outcome outcome;
        // The whole recommend pipeline sees only the events before the split, like every other contender.
        List<Event> before = events.subList(0, split);
        // -Dquality.exclude=a,b leaves features out (to measure what they add on the same split).
        String exclude = System.getProperty("quality.exclude", "").strip();
        FeatureExtractor extractor = exclude.isEmpty() ? new EngineeredFeatureExtractor()
                : new SelectedFeatures(new EngineeredFeatureExtractor(), Set.of(exclude.split("\\s*,\\s*")));
        System.out.println("features: " + extractor.featureNames());
        TrainingRun.Progress progress = (stage, f) -> System.out.printf(Locale.ROOT, "\r%-12s %3.0f%%", stage, f * 100);
        if (!Boolean.parseBoolean(System.getProperty("quality.pipeline", "true"))) {
            // Screening runs: the ranker and the baselines only (the pipeline adds about two minutes).
            outcome = new TrainingRun(settings, extractor, items, events).progress(progress).run();
        } else {
            try (RetailPipeline pipeline = new RetailPipeline(out.resolve("pipeline"), items.values(), before)) {
                outcome = new TrainingRun(settings, extractor, items, events).pipeline(pipeline).progress(progress)
                        .run();
                System.out.printf(Locale.ROOT, "%npipeline: %.1f ms per candidate request (head of %d)%n",
                        pipeline.meanMillis(), pipeline.depth());
            }
        }
        System.out.printf(Locale.ROOT, "run %.0f s; split %s; %d users sampled, %d ranked in full%n",
                (System.nanoTime() - started) / 1e9, outcome.splitAt(), outcome.evalUsers(), outcome.fullRankUsers());
        StringBuilder json = new StringBuilder("{\n");
        System.out.printf("%-15s %10s %12s %10s %10s %8s %10s%n", "contender", "hr@10.full", "ndcg@10.full", "hr@10",
                "ndcg@10", "auc", "cand.rec");
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> e : outcome.results().entrySet()) {
            Map<String, Double> m = e.getValue();
            String name = e.getKey().equals("model") ? "ranker" : e.getKey();
            System.out.printf(Locale.ROOT, "%-15s %10.4f %12.4f %10.4f %10.4f %8.4f %10.4f%n", name,
                    m.getOrDefault("hr@10.full", Double.NaN), m.getOrDefault("ndcg@10.full", Double.NaN),
                    m.getOrDefault("hr@10", Double.NaN), m.getOrDefault("ndcg@10", Double.NaN),
                    m.getOrDefault("auc", Double.NaN), m.getOrDefault(TrainingRun.CANDIDATE_RECALL, Double.NaN));
            json.append(i++ == 0 ? "" : ",\n").append("  \"").append(name).append("\": {");
            int j = 0;
            for (Map.Entry<String, Double> v : m.entrySet()) {
                if (Double.isFinite(v.getValue())) {
                    json.append(j++ == 0 ? "" : ", ").append('"').append(v.getKey()).append("\": ")
                            .append(v.getValue());
                }
            }
            json.append('}');
        }
        json.append(",\n  \"users\": {\"sampled\": ").append(outcome.evalUsers()).append(", \"full\": ")
                .append(outcome.fullRankUsers()).append("}\n}\n");
        Files.writeString(out.resolve("java-results.json"), json);
        String best = null;
        for (String b : TrainingRun.BASELINES) {
            if (best == null || ndcgFull(outcome, b) > ndcgFull(outcome, best)) {
                best = b;
            }
        }
        System.out.printf(Locale.ROOT, "NDCG@10 full against the best baseline (%s, %.4f): pipeline %.2fx, ranker "
                + "%.2fx (target for the pipeline: 1.10x)%n", best, ndcgFull(outcome, best),
                ndcgFull(outcome, TrainingRun.PIPELINE) / ndcgFull(outcome, best),
                ndcgFull(outcome, "model") / ndcgFull(outcome, best));
    }

    private static double ndcgFull(TrainingRun.Outcome outcome, String contender) {
        Map<String, Double> m = outcome.results().get(contender);
        return m == null ? Double.NaN : m.getOrDefault("ndcg@10.full", Double.NaN);
    }

    /** RFC 4180: quoted fields with commas, doubled quotes and line breaks. */
    static final class CsvReader {
        private final Reader in;

        CsvReader(Reader in) {
            this.in = in;
        }

        List<String> next() throws java.io.IOException {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            int c = in.read();
            if (c < 0) {
                return null;
            }
            while (true) {
                if (c < 0) {
                    fields.add(field.toString());
                    return fields;
                }
                if (quoted) {
                    if (c == '"') {
                        in.mark(1);
                        int d = in.read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            in.reset();
                        }
                    } else {
                        field.append((char) c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n') {
                    fields.add(field.toString());
                    return fields;
                } else if (c != '\r') {
                    field.append((char) c);
                }
                c = in.read();
            }
        }
    }
}
