package dev.rialto.benchmarks.ingest;

import com.sun.net.httpserver.HttpServer;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.benchmarks.support.Jit;
import dev.rialto.ingest.internal.CsvIngestor;
import dev.rialto.ingest.internal.PrivacyGuard;
import dev.rialto.ingest.internal.rest.EventsResource;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.sources.PopularityCounters;
import dev.rialto.store.jdbc.internal.JdbcEventRepository;
import dev.rialto.store.jdbc.internal.JdbcIngestJournal;
import dev.rialto.store.jdbc.internal.JdbcItemRepository;
import dev.rialto.store.jdbc.internal.JdbcProfileRepository;
import dev.rialto.store.jdbc.internal.JdbcUserDataRepository;
import dev.rialto.store.jdbc.internal.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * Events per second into H2 through (1) the shipped file route (Camel, {@code ingest-files.camel.yaml}, the real
 * ingestor with pseudonymisation, journal and dead letters) and (2) {@code POST /api/v1/events} (the real resource
 * behind the JDK's HTTP server, batches of 10,000 over loopback), with the real popularity counters listening to
 * the store's change feed, against (3) a raw JDBC batch insert of the same rows, in one run.
 *
 * <p>Usage: {@code java -jar ingest-benchmark.jar [EVENTS] [HTTP_EVENTS] [ROUTES_DIR]}.
 */
public final class Main {
    static final int USERS = 20_000;
    static final int ITEMS = 5_000;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Main() {
    }

    /** Wall time and the process's CPU time (all threads: H2's writer, GC, the listeners), read together. */
    record Clock(long wallNanos, long cpuNanos, long jitMillis) {
        static Clock now() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            return new Clock(System.nanoTime(), os.getProcessCpuTime(), compiledMillis());
        }

        /**
         * A path's clock starts on a settled JVM: no JIT compilation for 600 ms (at most 20 s; a full GC first with
         * {@code -Drialto.bench.gc=true}). The compiler queue left by the path before (or by loading a route file)
         * otherwise compiled on one of the two cores inside the next path's window: 0.45 to 1.3 s of C2 in a 2.2 s
         * file route (thread CPU, 2026-12-07).
         */
        static Clock settled() {
            if (!Boolean.parseBoolean(System.getProperty("rialto.bench.settle", "true"))) {
                return now();
            }
            if (Boolean.getBoolean("rialto.bench.gc")) {
                System.gc();
            }
            Jit.settle(3, 20_000);
            return now();
        }

        private static long compiledMillis() {
            var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        /** events per wall second and per CPU second since this clock. */
        Rate rate(long events) {
            Clock end = now();
            return new Rate(events, (end.wallNanos - wallNanos) / 1e9, (end.cpuNanos - cpuNanos) / 1e9,
                    (end.jitMillis - jitMillis) / 1e3);
        }
    }

    /** {@code jitSeconds}: the JIT compilers' time inside the window (part of the CPU time). */
    record Rate(long events, double wallSeconds, double cpuSeconds, double jitSeconds) {
        double perWallSecond() {
            return events / wallSeconds;
        }

        double perCpuSecond() {
            return events / cpuSeconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d events in %.2f s wall, %.2f s CPU (JIT %.2f s): %,.0f events/s"
                    + " wall, %,.0f events per CPU second", events, wallSeconds, cpuSeconds, jitSeconds,
                    perWallSecond(), perCpuSecond());
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int httpEvents = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        Path routes = Path.of(args.length > 2 ? args[2] : "camel-routes").toAbsolutePath();
        Path work = Files.createTempDirectory("rialto-ingest-bench");
        System.out.printf(Locale.ROOT, "Rialto ingest benchmark: %,d events via the file route, %,d via HTTP; %d cores,"
                + " Java %s, max heap %d MB; work folder %s%n", events, httpEvents,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, work);

        Path csv = work.resolve("events.csv");
        writeCsv(csv, events, "f");
        System.out.printf(Locale.ROOT, "events file: %.1f MB%n", Files.size(csv) / 1e6);

        // Warm-up until the JIT is done: `rialto.bench.warm` rounds (default 2) of the raw insert, the file route and
        // HTTP at full size on throw-away databases. With one quarter-size pass (until the ninth session), C2 still
        // compiled on one of the two cores through the first two full-size rounds of each path (1.4 to 2.6 s of JIT
        // time in a 2 to 3 s window) and every figure swung by 2x between runs; from the third round on, the raw
        // insert's JIT time is about zero and the rates hold.
        Path warm = work.resolve("warm");
        Stack pseudonyms = new Stack(warm.resolve("pseudonyms"));
        Route route = new Route(work.resolve("home"), routes);
        int warmRounds = Integer.getInteger("rialto.bench.warm", 2);
        for (int w = 1; w <= warmRounds; w++) {
            rawInsert(warm.resolve("raw-" + w), pseudonyms, events, "f", JdbcEventRepository.ROWS_PER_INSERT);
            Stack stack = new Stack(warm.resolve("route-" + w));
            fileRoute(route, stack, csv, events);
            stack.close();
            Stack web = new Stack(warm.resolve("http-" + w));
            http(web, httpEvents, "h");
            web.close();
        }
        System.out.println("(warm-up done: " + warmRounds + " rounds of each path)");
        if (QUICK) {
            pseudonyms.close();
            quick(work, csv, route, events);
            route.close();
            return;
        }

        // Measured: `rialto.bench.rounds` (default 5) rounds of the raw 64-row insert, the file route and HTTP,
        // alternating, each on a fresh database; the medians are reported, and the file route's ratio to the raw
        // insert of its own round.
        int rounds = Integer.getInteger("rialto.bench.rounds", 5);
        List<Rate> rawRates = new ArrayList<>();
        List<Rate> fileRates = new ArrayList<>();
        List<Rate> httpRates = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            rawRates.add(rawInsert(work.resolve("raw-db-64-" + round), pseudonyms, events, "f",
                    JdbcEventRepository.ROWS_PER_INSERT));
            Stack file = new Stack(work.resolve("file-" + round));
            fileRates.add(fileRoute(route, file, csv, events));
            file.close();
            Stack web = new Stack(work.resolve("http-" + round));
            httpRates.add(http(web, httpEvents, "h"));
            web.close();
        }
        restartExportForget(work.resolve("file-1"));

        // Once each, to show where the time goes: the raw insert row by row, with the index events_user_ts that H2
        // had before V13, and without the time index; the pipeline with the events insert left out; one writer.
        Rate rawSingle = rawInsert(work.resolve("raw-db-1"), pseudonyms, events, "f", 1);
        Rate rawUser = rawInsert(work.resolve("raw-db-user"), pseudonyms, events, "f",
                JdbcEventRepository.ROWS_PER_INSERT, "CREATE INDEX events_user_ts ON events (user_id, ts)");
        Rate rawBare = rawInsert(work.resolve("raw-db-bare"), pseudonyms, events, "f",
                JdbcEventRepository.ROWS_PER_INSERT, "DROP INDEX events_ts");
        pseudonyms.close();
        Stack alone = new Stack(work.resolve("alone"), true);
        Rate aloneRate;
        try (InputStream in = Files.newInputStream(csv)) {
            Clock start = Clock.settled();
            IngestReport report = alone.ingestor.ingestCsv("events", in, "events.csv");
            aloneRate = start.rate(n(report));
        }
        alone.close();
        System.out.println("pipeline without the events insert (parse, map, validate, HMAC, journal, change feed): "
                + aloneRate);
        Stack single = new Stack(work.resolve("file-one-writer"), false, 1);
        Rate singleRate = fileRoute(route, single, csv, events);
        single.close();
        route.close();

        Rate rawRate = median(rawRates);
        Rate fileRate = median(fileRates);
        Rate httpRate = median(httpRates);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.println();
        for (int round = 0; round < rounds; round++) {
            Rate r = rawRates.get(round);
            Rate f = fileRates.get(round);
            System.out.printf(Locale.ROOT, "round %d: raw %,.0f/s, file route %,.0f/s (%.2fx raw by wall, %.2fx by CPU),"
                    + " HTTP %,.0f/s; JIT inside the windows %.2f / %.2f / %.2f s%n", round + 1, r.perWallSecond(),
                    f.perWallSecond(), f.perWallSecond() / r.perWallSecond(), f.perCpuSecond() / r.perCpuSecond(),
                    httpRates.get(round).perWallSecond(), r.jitSeconds(), f.jitSeconds(),
                    httpRates.get(round).jitSeconds());
        }
        System.out.printf(Locale.ROOT, "%-58s %14s %14s %12s %12s%n", "path (median of the rounds where marked *)",
                "events/s wall", "events/CPU-s", "x raw (wall)", "x raw (CPU)");
        for (var row : List.of(Map.entry("* raw JDBC, 64 rows per statement, batches of 1,000 (baseline)", rawRate),
                Map.entry("  (raw JDBC, 1 row per statement, batches of 1,000)", rawSingle),
                Map.entry("  (raw, 64 rows, with events_user_ts as before V13)", rawUser),
                Map.entry("  (raw, 64 rows, without events_ts)", rawBare),
                Map.entry("  (pipeline alone: events not inserted)", aloneRate),
                Map.entry("  (file route, one writer thread)", singleRate),
                Map.entry("* file route (Camel + ingest, two writer threads)", fileRate),
                Map.entry("* HTTP POST /api/v1/events", httpRate))) {
            System.out.printf(Locale.ROOT, "%-58s %,14.0f %,14.0f %12.2f %12.2f%n", row.getKey(),
                    row.getValue().perWallSecond(), row.getValue().perCpuSecond(),
                    row.getValue().perWallSecond() / rawRate.perWallSecond(),
                    row.getValue().perCpuSecond() / rawRate.perCpuSecond());
        }
        double ratio = medianRatio(fileRates, rawRates);
        System.out.printf(Locale.ROOT, "system load average at the end: %.1f on %d cores%n", load,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "targets (wall, medians): file route >= 50,000/s: %s (%,.0f); >= half the raw"
                + " rate: %s (median of the rounds' ratios %.2f)%n", fileRate.perWallSecond() >= 50_000 ? "met" : "NOT met",
                fileRate.perWallSecond(), ratio >= 0.5 ? "met" : "NOT met", ratio);
    }

    /** The rate whose wall rate is the median (the lower middle one of an even count). */
    static Rate median(List<Rate> rates) {
        List<Rate> sorted = new ArrayList<>(rates);
        sorted.sort(java.util.Comparator.comparingDouble(Rate::perWallSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The median of each round's file route against the raw insert of the same round. */
    static double medianRatio(List<Rate> file, List<Rate> raw) {
        double[] r = new double[file.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = file.get(i).perWallSecond() / raw.get(i).perWallSecond();
        }
        java.util.Arrays.sort(r);
        return r[(r.length - 1) / 2];
    }

    /**
     * {@code -Drialto.bench.quick=true}: after the warm-up, only the raw 64-row insert and the file route,
     * alternating ({@code rialto.bench.rounds}, writers {@code rialto.bench.writers}), for trials.
     */
    static final boolean QUICK = Boolean.getBoolean("rialto.bench.quick");

    private static void quick(Path work, Path csv, Route route, int events) throws Exception {
        Stack raw = new Stack(work.resolve("raw"));
        for (int round = 1; round <= Integer.getInteger("rialto.bench.rounds", 2); round++) {
            Rate r = rawInsert(work.resolve("raw-db-64-" + round), raw, events, "f", JdbcEventRepository.ROWS_PER_INSERT);
            Stack file = new Stack(work.resolve("file-" + round), false, Integer.getInteger("rialto.bench.writers", 2));
            Rate f = fileRoute(route, file, csv, events);
            file.close();
            System.out.printf(Locale.ROOT, "round %d: file route %,.0f/s wall (%.2fx raw), %.1f us CPU per event"
                    + " (raw %.1f); load %.1f%n", round, f.perWallSecond(), f.perWallSecond() / r.perWallSecond(),
                    f.cpuSeconds() * 1e6 / events, r.cpuSeconds() * 1e6 / events,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        raw.close();
    }

    private static long n(IngestReport report) {
        if (report.stored() != report.read() || report.hasRejections()) {
            throw new IllegalStateException("the pipeline stored " + report.stored() + " of " + report.read());
        }
        return report.stored();
    }

    /** id,type,user,item,quantity,timestamp: 20,000 users, 5,000 items, one event per second. */
    static void writeCsv(Path file, int n, String prefix) throws IOException {
        try (var out = Files.newBufferedWriter(file)) {
            out.write("id,type,user,item,quantity,timestamp\n");
            for (int i = 0; i < n; i++) {
                out.write(prefix + i + "," + type(i) + ",u" + (i * 7919 % USERS) + ",i" + (i * 31 % ITEMS) + ","
                        + (1 + i % 3) + "," + T0.plusSeconds(i) + "\n");
            }
        }
    }

    static String type(int i) {
        return i % 10 == 0 ? "purchase" : i % 4 == 0 ? "add_to_cart" : "view";
    }

    /**
     * The shipped route file in one Camel context for the whole run, as the server loads it once: each path's file is
     * dropped into the same inbox/events and handed to that path's ingestor. (Until the ninth session every file
     * route had a Camel context and a route loading of its own; the JIT work that started inside the window.)
     */
    static final class Route implements AutoCloseable {
        private final CamelContext camel = new DefaultCamelContext();
        private final Path inbox;
        private final java.util.concurrent.atomic.AtomicReference<CsvIngestor> target =
                new java.util.concurrent.atomic.AtomicReference<>();
        private int files;

        Route(Path home, Path routes) throws Exception {
            inbox = Files.createDirectories(home.resolve("inbox/events"));
            java.util.Properties props = new java.util.Properties();
            props.setProperty("karaf.home", home.toString());
            props.setProperty("rialto.ingest.lock.interval", "20");
            props.setProperty("rialto.ingest.lock.minAge", "20");
            props.setProperty("rialto.ingest.poll", "20");
            camel.getPropertiesComponent().setInitialProperties(props);
            dev.rialto.api.ingest.Ingestor forward = (kind, in, name) -> target.get().ingestCsv(kind, in, name);
            camel.getRegistry().bind("ingestor", forward);
            camel.start();
            String yaml = Files.readString(routes.resolve("ingest-files.camel.yaml"));
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("ingest-files.camel.yaml", yaml));
        }

        @Override
        public void close() throws Exception {
            camel.close();
        }
    }

    /** The file renamed into the route's inbox, timed until the route moved it and the change feed caught up. */
    static Rate fileRoute(Route route, Stack s, Path csv, int n) throws Exception {
        route.target.set(s.ingestor);
        String name = "events-" + (++route.files) + ".csv";
        Path hidden = route.inbox.resolve("." + name);
        Files.copy(csv, hidden);
        Clock start = Clock.settled();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        Files.move(hidden, route.inbox.resolve(name));
        Path done = route.inbox.resolve(".done/" + name);
        Path error = route.inbox.resolve(".error/" + name);
        while (!Files.exists(done) && !Files.exists(error)) {
            Thread.sleep(5);
        }
        s.events.awaitChangeFeed(); // the counters have every event: the clock stops when the feed caught up
        Rate rate = start.rate(n);
        if (Boolean.getBoolean("rialto.bench.window")) { // JVM uptime, to match -XX:+PrintCompilation's clock
            System.out.printf(Locale.ROOT, "file route window: %d to %d ms of uptime%n", uptime,
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        }
        long stored = s.count();
        if (stored != n || Files.exists(error)) {
            throw new IllegalStateException("the file route stored " + stored + " of " + n);
        }
        Files.delete(done);
        System.out.println("file route (rename into inbox/events until the move to .done, with the route's 20 ms"
                + " read-lock wait): " + rate);
        return rate;
    }

    /**
     * H2 has no index of events by user (V13): the cost of that, on the file route's database. A restart rebuilds
     * the recent-event history with one scan; export and forget of one user scan the table once each.
     */
    static void restartExportForget(Path db) throws IOException {
        long start = System.nanoTime();
        Stack s = new Stack(db);
        double load = (System.nanoTime() - start) / 1e6;
        String user = s.privacy.userId("u7");
        int recent = s.events.recentForUser(user, 1000).size();
        start = System.nanoTime();
        int exported = s.users.find(user).events().size();
        double export = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        int forgotten = s.users.delete(user).events().size();
        double forget = (System.nanoTime() - start) / 1e6;
        int after = s.events.recentForUser(user, 1000).size();
        long left = s.count();
        s.close();
        if (recent != exported || forgotten != exported || after != 0) {
            throw new IllegalStateException("history " + recent + ", export " + exported + ", forget " + forgotten
                    + ", after " + after);
        }
        System.out.printf(Locale.ROOT, "restart on %,d events: store and recent-event history ready in %.0f ms;"
                + " export of one user (%d events) %.0f ms, forget %.0f ms%n", left + forgotten, load, exported,
                export, forget);
    }

    /** POST /api/v1/events with 10,000 events a call over loopback, one client connection, sequentially. */
    static Rate http(Stack s, int n, String prefix) throws Exception {
        EventsResource resource = new EventsResource();
        Method bind = EventsResource.class.getDeclaredMethod("bindIngestor", dev.rialto.api.ingest.RecordIngestor.class);
        bind.setAccessible(true);
        bind.invoke(resource, s.ingestor);
        SecurityContext collector = new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "bench-shop";
            }

            @Override
            public boolean isUserInRole(String role) {
                return role.equals("rialto-collector");
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "API_KEY";
            }
        };
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/api/v1/events", exchange -> {
            try (InputStream body = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                Response r = resource.post(body, collector);
                byte[] answer = String.valueOf(r.getEntity()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(r.getStatus(), answer.length);
                out.write(answer);
            }
        });
        server.start();
        long before = s.count();
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < n; from += 10_000) {
            StringBuilder b = new StringBuilder(1_200_000).append('[');
            for (int i = from; i < Math.min(n, from + 10_000); i++) {
                if (i > from) {
                    b.append(',');
                }
                b.append("{\"id\":\"").append(prefix).append(i).append("\",\"type\":\"").append(type(i))
                        .append("\",\"user\":\"u").append(i * 7919 % USERS).append("\",\"item\":\"i")
                        .append(i * 31 % ITEMS).append("\",\"quantity\":").append(1 + i % 3)
                        .append(",\"timestamp\":\"").append(T0.plusSeconds(i)).append("\"}");
            }
            bodies.add(b.append(']').toString());
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/events");
        Clock start = Clock.settled();
        for (String body : bodies) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !r.body().contains("\"rejected\":[]")) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
        }
        s.events.awaitChangeFeed();
        Rate rate = start.rate(n);
        server.stop(0);
        long stored = s.count() - before;
        if (stored != n) {
            throw new IllegalStateException("HTTP stored " + stored + " of " + n);
        }
        System.out.println("HTTP (" + bodies.size() + " calls of 10,000, client in the same JVM): " + rate);
        return rate;
    }

    /**
     * The same rows as the pipeline stores them (pseudonymised users, computed beforehand), inserted with one
     * prepared statement of {@code rows} rows, batches of 1,000 rows, a commit per batch, into the migrated events
     * table of a fresh database; after the statements given (index changes, to measure what an index costs).
     */
    static Rate rawInsert(Path db, Stack pseudonyms, int n, String prefix, int rows, String... setup)
            throws Exception {
        Stack s = new Stack(db);
        String[] users = new String[USERS];
        for (int u = 0; u < USERS; u++) {
            users[u] = pseudonyms.privacy.userId("u" + u);
        }
        try (Connection c = s.dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String sql : setup) {
                st.execute(sql);
            }
        }
        Clock start = Clock.settled();
        try (Connection c = s.dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement many = c.prepareStatement(rawSql(rows));
                    PreparedStatement one = c.prepareStatement(rawSql(1))) {
                int inBatch = 0;
                for (int i = 0; i < n; ) {
                    // whole statements of `rows` rows, the tail of the last batch row by row
                    PreparedStatement ps = n - i >= rows ? many : one;
                    int k = ps == many ? rows : 1;
                    for (int r = 0; r < k; r++) {
                        int at = r * 6;
                        int e = i + r;
                        ps.setString(at + 1, prefix + e);
                        ps.setString(at + 2, type(e));
                        ps.setString(at + 3, users[e * 7919 % USERS]);
                        ps.setString(at + 4, "i" + (e * 31 % ITEMS));
                        ps.setInt(at + 5, 1 + e % 3);
                        ps.setObject(at + 6, LocalDateTime.ofInstant(T0.plusSeconds(e), ZoneOffset.UTC));
                    }
                    ps.addBatch();
                    i += k;
                    inBatch += k;
                    if (inBatch >= 1000 || i == n) {
                        many.executeBatch();
                        one.executeBatch();
                        c.commit();
                        inBatch = 0;
                    }
                }
            }
        }
        Rate rate = start.rate(n);
        long stored = s.count();
        s.close();
        if (stored != n) {
            throw new IllegalStateException("raw insert stored " + stored + " of " + n);
        }
        System.out.println("raw JDBC insert, " + rows + " rows per statement"
                + (setup.length == 0 ? "" : ", after " + String.join("; ", setup)) + ": " + rate);
        return rate;
    }

    private static String rawSql(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO events (id, type, user_id, item_id, quantity, ts, query,"
                + " price, channel, campaign, slot, creative) VALUES ");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        return sql.toString();
    }

    /** The real store on an H2 file database, the ingestor with privacy, and the popularity counters listening. */
    static final class Stack implements AutoCloseable {
        /** A pool, as the server has (pax-jdbc with dbcp2): without one, H2 closes the database after each call. */
        final javax.sql.DataSource dataSource;
        private final Runnable closePool;
        final JdbcEventRepository events;
        final JdbcUserDataRepository users;
        final PrivacyGuard privacy;
        final CsvIngestor ingestor;
        final PopularityCounters counters;

        Stack(Path dir) throws IOException {
            this(dir, false);
        }

        /** {@code discardEvents}: the ingestor's events are counted and fed to the listeners, not inserted. */
        Stack(Path dir, boolean discardEvents) throws IOException {
            this(dir, discardEvents, 2);
        }

        Stack(Path dir, boolean discardEvents, int writers) throws IOException {
            Files.createDirectories(dir);
            // The server's pool (pax-jdbc-pool-dbcp2, org.ops4j.datasource-rialto.cfg). Until 2026-12-07 this was H2's
            // JdbcConnectionPool, whose rollback at every close empties H2's statement cache: the file route then
            // parsed its 64-row inserts again for every chunk, which the server does not (-Drialto.bench.pool=h2
            // measures that pool again).
            String url = "jdbc:h2:" + dir.resolve("rialto").toAbsolutePath() + System.getProperty("rialto.bench.h2", "");
            if ("h2".equals(System.getProperty("rialto.bench.pool"))) {
                org.h2.jdbcx.JdbcConnectionPool h2 = org.h2.jdbcx.JdbcConnectionPool.create(url, "sa", "");
                h2.setMaxConnections(8);
                dataSource = h2;
                closePool = h2::dispose;
            } else {
                BasicDataSource dbcp = new BasicDataSource();
                dbcp.setUrl(url);
                dbcp.setUsername("sa");
                dbcp.setPassword("");
                dbcp.setMaxTotal(8);
                dbcp.setMaxIdle(8);
                dbcp.setMinIdle(1);
                dbcp.setTestOnBorrow(false); // commons-pool2's default, which pax-jdbc-pool-dbcp2 keeps
                dataSource = dbcp;
                closePool = () -> {
                    try {
                        dbcp.close();
                    } catch (java.sql.SQLException ignored) {
                        // the database is shut down already
                    }
                };
            }
            StoreConfig store = config(StoreConfig.class, Map.of());
            JdbcItemRepository items = new JdbcItemRepository(dataSource);
            items.activate(store);
            events = new JdbcEventRepository(dataSource);
            events.activate(store);
            events.awaitHistory();
            JdbcProfileRepository profiles = new JdbcProfileRepository(dataSource);
            profiles.activate(store);
            JdbcIngestJournal journal = new JdbcIngestJournal(dataSource);
            journal.activate(store);
            users = new JdbcUserDataRepository(dataSource);
            users.activate(store);
            privacy = new PrivacyGuard(users);
            privacy.activate(config(PrivacyGuard.Config.class, Map.of("keyFile", dir.resolve("privacy.key").toString())));
            Discarding discarding = discardEvents ? new Discarding(events) : null;
            ingestor = new CsvIngestor(items, discardEvents ? discarding : events, profiles, journal, privacy);
            ingestor.activate(config(CsvIngestor.Config.class, Map.of("deadLetterDir", dir.resolve("dead").toString(),
                    "writers", writers)));
            counters = new PopularityCounters(events);
            counters.activate(config(ItemIndex.Config.class, Map.of()));
            if (discardEvents) {
                discarding.listeners.add(counters);
            } else {
                events.addListener(counters);
            }
        }

        long count() {
            return events.count();
        }

        @Override
        public void close() {
            counters.deactivate();
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (Exception ignored) {
                // closes under us
            }
            closePool.run();
        }
    }

    /** Counts the events and tells the store's listeners, without inserting them: the pipeline's own cost. */
    static final class Discarding implements EventRepository {
        private final JdbcEventRepository store;
        private final java.util.List<EventListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        private long count;

        Discarding(JdbcEventRepository store) {
            this.store = store;
        }

        @Override
        public int append(java.util.Collection<Event> events) {
            List<Event> copy = List.copyOf(events);
            count += copy.size();
            listeners.forEach(l -> l.eventsStored(copy));
            return copy.size();
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public List<Event> recentForUser(String userId, int limit) {
            return store.recentForUser(userId, limit);
        }

        @Override
        public void forEach(Instant from, Instant to, java.util.function.Consumer<Event> consumer) {
            store.forEach(from, to, consumer);
        }

        @Override
        public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
            return store.countByItem(types, since);
        }

        @Override
        public Instant newestTimestamp() {
            return store.newestTimestamp();
        }
    }

    /** A component property type with its defaults, some overridden by method name. */
    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, Object> overrides) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            if (overrides.containsKey(method.getName())) {
                return overrides.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            if (method.getName().equals("toString")) {
                return type.getSimpleName();
            }
            if (method.getName().equals("hashCode")) {
                return 0;
            }
            throw new IllegalStateException("no default for " + method.getName());
        });
    }
}
