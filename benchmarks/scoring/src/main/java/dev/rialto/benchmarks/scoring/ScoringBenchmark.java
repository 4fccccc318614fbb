package dev.rialto.benchmarks.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.benchmarks.support.MemoryEvents;
import dev.rialto.benchmarks.support.MemoryItems;
import dev.rialto.demo.internal.DemoShop;
import dev.rialto.scoring.onnx.internal.ScorerFixture;
import dev.rialto.api.scoring.ItemNumbering;
import dev.rialto.api.scoring.ScoreArray;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import dev.rialto.scoring.onnx.internal.features.UserFeatures;
import dev.rialto.scoring.onnx.internal.registry.ModelCard;
import dev.rialto.scoring.onnx.internal.registry.LoadedModel;
import dev.rialto.scoring.onnx.internal.registry.ModelLease;
import dev.rialto.training.internal.RankerFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scoring 500 candidates for one user on the demo shop with the trained ranker:
 * <ul>
 *   <li>{@code scorerIndexed}: {@code OnnxInterestScorer.scoreIndexed(user, numbering, 500 numbers)} end to end
 *       (the candidates mapped to the scorer's numbering once, as a caller keeps them; user tables, tensors,
 *       {@code OrtSession.run}, scores in order), users cycling through every user of the shop: <em>warm</em>,
 *       since the users' aggregates stay in the scorer's profile cache (no events arrive in between);</li>
 *   <li>{@code scorer}: {@code score(user, 500 ids)}, the map call, on the same model;</li>
 *   <li>{@code ...Cold}: the same, but the user's cache entry is dropped first (as a snapshot rebuild does, or
 *       a new event of theirs with {@code profile.updates = false}), so the call reads the history and aggregates
 *       it;</li>
 *   <li>{@link CpuTime} also times a <em>browsing</em> user: a new view of theirs is stored (the newest event in
 *       the store) and reported to the change feed, untimed, then {@code scoreIndexed} on the scorer (which
 *       updates the user's entry from its window) and on a second scorer of the same model with
 *       {@code profile.updates = false} (which drops it and reads the history: the behaviour before);</li>
 *   <li>{@code bareOrt}: the same model file in a session with the same options, {@code OrtSession.run} on the
 *       inputs the scorer passes for one user: for an indexed-layout ranker the snapshot's tables as tensors
 *       created once and the per-request tensors created on every call from pre-built buffers; for a plain one a
 *       pre-built [500, F] buffer;</li>
 *   <li>{@code features}: the scorer's feature path alone (history read + extraction into a direct buffer), to
 *       show where the scorer's time goes.</li>
 * </ul>
 * With an indexed-layout ranker, the same trained graph is also served plain beside it (its weights put back in
 * the card's order, the plain card): {@link CpuTime} reports that path as "before".
 * Throughput methods report ops/s; the {@code ...Latency} methods sample single-call times for percentiles.
 * <p>
 * {@link #setup} is {@code ranker/trainer history.limit/scorer history.limit}: the trainer's and the scorer's
 * configuration measured. Every user's history is padded to at least {@value #HISTORY_PROPERTY} (default 1,000)
 * events with older copies of their own and the shop's events, so a long history is what is read and featurised.
 */
@State(Scope.Benchmark)
public class ScoringBenchmark {
    /** A folder holding one models folder per {@link #setup} ({@link #modelsFolder}); Main trains them. */
    public static final String MODELS_PROPERTY = "rialto.bench.models";
    /** Pad every user's history to at least this many events (0: the demo shop's own, about 105 per user). */
    public static final String HISTORY_PROPERTY = "rialto.bench.history";
    public static final int CANDIDATES = 500;
    static final String MODEL = "ranker";
    /** The {@link #setup} values run by default: the shipped defaults first, then the earlier ones. */
    public static final String[] SETUPS = {"fm/1000/1000", "logistic/100/200"};

    @Param({"fm/1000/1000", "logistic/100/200"})
    public String setup;

    /**
     * The profile cache of every scorer here: room for all 1,200 users with their windows (about 75 KB each with
     * 1,000-event histories), so that "warm" stays warm.
     */
    static final int CACHE_MB = 128;

    private ScorerFixture fixture;
    private ScorerFixture dropping;
    private List<String> catalogueIds;
    /** The time of the next browsing event: after every event in the store, one millisecond apart. */
    private long clock;
    private int nextBrowsing;
    private final Random browsing = new Random(23);
    private Path trainedHere;
    private List<String> users;
    private List<String> candidates;
    private int next;
    private int nextCold;

    private EngineeredFeatureExtractor extractor;
    private MemoryEvents events;
    private FeatureSnapshot snapshot;
    private List<String> modelFeatures;
    private int historyLimit;
    private int readLimit;
    private FloatBuffer featureBuffer;

    private OrtEnvironment env;
    private OrtSession.SessionOptions bareOptions;
    private OrtSession bareSession;
    private String inputName;
    private FloatBuffer bareInput;
    private long[] bareShape;

    /** Whether the ranker is of the indexed layout (then the bare loop feeds it the scorer's inputs). */
    private boolean indexed;
    private ItemNumbering numbering;
    private int[] candidateNumbers;
    /** The indexed bare loop: the snapshot's tables as tensors (once), the per-request buffers of one user. */
    private Map<String, OnnxTensor> bareTables;
    private String[] bareNames;
    private Buffer[] bareBuffers;
    private long[][] bareShapes;
    /** The same trained graph served plain (the card and graph before the indexed layout), side by side. */
    private ScorerFixture plainFixture;
    private Path plainModels;
    private OrtSession plainBareSession;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        DemoShop shop = new DemoShop();
        MemoryItems items = new MemoryItems(shop.items);
        extractor = new EngineeredFeatureExtractor();
        String given = System.getProperty(MODELS_PROPERTY);
        Path models;
        if (given == null || given.isBlank()) {
            trainedHere = tempDir();
            models = trainedHere;
            train(shop, setup, modelsFolder(trainedHere, setup));
        } else {
            models = Path.of(given);
        }
        models = modelsFolder(models, setup);
        // Trained on the shop as generated; served with long histories.
        events = new MemoryEvents(padded(shop.events, Integer.getInteger(HISTORY_PROPERTY, 1000), 5));
        readLimit = Integer.parseInt(setup.split("/")[2]);
        fixture = new ScorerFixture(extractor, items, events, models, Map.of("history.limit", readLimit,
                "profile.cache.mb", CACHE_MB));
        // The same model and configuration, except that a new event drops the user's entry (profile.updates =
        // false, the behaviour before the updates): "before" for the browsing user, side by side.
        dropping = new ScorerFixture(extractor, items, events, models, Map.of("history.limit", readLimit,
                "profile.cache.mb", CACHE_MB, "profile.updates", false));
        catalogueIds = shop.items.stream().map(i -> i.id()).toList();
        clock = events.newestTimestamp().toEpochMilli();
        snapshot = fixture.scorer.snapshot();

        users = new ArrayList<>(events.usersByActivity());
        Collections.shuffle(users, new Random(11));
        List<String> ids = new ArrayList<>(shop.items.stream().map(i -> i.id()).toList());
        Collections.shuffle(ids, new Random(7));
        candidates = List.copyOf(ids.subList(0, CANDIDATES));

        Path onnx;
        ModelCard card;
        String version;
        try (ModelLease lease = fixture.registry.lease(MODEL)) {
            LoadedModel model = lease.model();
            card = model.card();
            modelFeatures = model.features();
            historyLimit = model.card().historyLimit();
            inputName = model.card().inputName();
            version = model.info().version();
            onnx = models.resolve(MODEL).resolve(version).resolve("model.onnx");
        }
        indexed = card.indexed();
        featureBuffer = direct(CANDIDATES * modelFeatures.size());
        numbering = fixture.scorer.numbering().orElseThrow();
        candidateNumbers = candidates.stream().mapToInt(numbering::indexOf).toArray();

        // The bare loop: same file, same session options as the registry's, the inputs of one user built once.
        env = OrtEnvironment.getEnvironment();
        bareOptions = new OrtSession.SessionOptions();
        bareOptions.setIntraOpNumThreads(1);
        bareOptions.setInterOpNumThreads(1);
        bareOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
        bareOptions.addConfigEntry("session.inter_op.allow_spinning", "0");
        bareSession = env.createSession(onnx.toString(), bareOptions);
        Path plainOnnx = onnx;
        if (indexed) {
            bareIndexedInputs(card);
            // The same trained graph, plain, in a scorer of its own: the path before the indexed layout.
            plainModels = tempDir();
            try {
                RankerFixture.plainCopy(models, MODEL, version, plainModels);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            plainFixture = new ScorerFixture(extractor, items, events, plainModels, Map.of("history.limit",
                    readLimit, "profile.cache.mb", CACHE_MB));
            plainOnnx = plainModels.resolve(MODEL).resolve(version).resolve("model.onnx");
            plainBareSession = env.createSession(plainOnnx.toString(), bareOptions);
            inputName = "input";
        }
        bareInput = direct(CANDIDATES * modelFeatures.size());
        extractor.extract(snapshot, history(users.get(0)), candidates, modelFeatures, bareInput);
        bareInput.flip();
        bareShape = new long[] {CANDIDATES, modelFeatures.size()};
    }

    /**
     * What the scorer passes an indexed ranker for user 0 and the benchmark's candidates: the snapshot's tables as
     * tensors created once (as the scorer keeps them), and the per-request buffers (candidate rows, the user's
     * values and vector, the user-item cells), from which each call creates its tensors as the scorer does.
     */
    private void bareIndexedInputs(ModelCard card) throws OrtException {
        IndexedLayout.Tables tables = IndexedLayout.tables(snapshot);
        bareTables = new java.util.HashMap<>();
        bareTables.put(card.input(IndexedLayout.ITEM_VALUES).name(), OnnxTensor.createTensor(env,
                floats(tables.itemValues), new long[] {tables.rows, IndexedLayout.ITEM_VALUE_COLUMNS.size()}));
        bareTables.put(card.input(IndexedLayout.ITEM_KEYS).name(), OnnxTensor.createTensor(env,
                longs(tables.itemKeys), new long[] {tables.rows}));
        bareTables.put(card.input(IndexedLayout.ITEM_VECTORS).name(), OnnxTensor.createTensor(env,
                floats(tables.itemVectors), new long[] {tables.rows, tables.dimension}));
        UserFeatures user = extractor.user(snapshot, history(users.get(0)));
        long[] rows = new long[CANDIDATES];
        int[] at = new int[CANDIDATES];
        for (int i = 0; i < CANDIDATES; i++) {
            at[i] = IndexedLayout.indexOf(snapshot, candidates.get(i));
            rows[i] = IndexedLayout.row(at[i]);
        }
        float[] cells = new float[CANDIDATES * IndexedLayout.USER_ITEM_COLUMNS.size()];
        IndexedLayout.userItems(user, at, candidates, cells);
        float[] values = IndexedLayout.userValues(user);
        float[] vector = IndexedLayout.userVector(user);
        bareNames = new String[] {card.input(IndexedLayout.CANDIDATE_INDEX).name(),
            card.input(IndexedLayout.USER_VALUES).name(), card.input(IndexedLayout.USER_VECTOR).name(),
            card.input(IndexedLayout.USER_ITEMS).name()};
        bareBuffers = new Buffer[] {longs(rows), floats(values), floats(vector), floats(cells)};
        bareShapes = new long[][] {{CANDIDATES}, {values.length / IndexedLayout.USER_VALUE_COLUMNS.size(),
            IndexedLayout.USER_VALUE_COLUMNS.size()}, {vector.length, 1},
            {CANDIDATES, IndexedLayout.USER_ITEM_COLUMNS.size()}};
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException, IOException {
        bareSession.close();
        if (bareTables != null) {
            bareTables.values().forEach(OnnxTensor::close);
        }
        if (plainBareSession != null) {
            plainBareSession.close();
        }
        bareOptions.close();
        fixture.close();
        dropping.close();
        if (plainFixture != null) {
            plainFixture.close();
            deleteTree(plainModels);
        }
        if (trainedHere != null) {
            deleteTree(trainedHere);
        }
    }

    /** The indexed layout's table sizes: item rows, category keys (user_values rows), vector dimension. */
    String tableSizes() {
        IndexedLayout.Tables t = IndexedLayout.tables(fixture.scorer.snapshot());
        return t.rows + " item rows, " + t.keys + " category keys, dimension " + t.dimension;
    }

    /** How often the scorer's numbering changed under the benchmark and the candidates were mapped again. */
    int remaps;

    /**
     * scoreIndexed as a caller uses it (README, "Indexed-layout rankers"): the numbering read per request and the
     * candidates mapped again when it changed. The three scorers here share one snapshot, which each one's
     * activation and build replaces; numbers kept from an older snapshot were translated by id on every call.
     */
    private ScoreArray indexed(ScorerFixture f, String user) {
        ItemNumbering now = f.scorer.numbering().orElseThrow();
        if (now != numbering) {
            numbering = now;
            candidateNumbers = candidates.stream().mapToInt(now::indexOf).toArray();
            remaps++;
        }
        return f.scorer.scoreIndexed(user, numbering, candidateNumbers);
    }

    private String nextUser() {
        String user = users.get(next);
        next = next + 1 == users.size() ? 0 : next + 1;
        return user;
    }

    /**
     * The next user of a second cycle, whose cache entry has just been dropped (as a snapshot rebuild, or a new
     * event without profile updates, drops it): the request reads and aggregates the history.
     */
    private String nextColdUser() {
        String user = users.get(nextCold);
        nextCold = nextCold + 1 == users.size() ? 0 : nextCold + 1;
        drop(fixture, user);
        return user;
    }

    /** Drops the user's entry, through the erasure hook (which drops and reads nothing). */
    private static void drop(ScorerFixture f, String user) {
        f.scorer.userDeleted(new UserData(user, null, List.of(), List.of()));
    }

    /**
     * The next user of a third cycle, who has just viewed a catalogue item: the event is stored (newest in the
     * store) and reported to the scorers' change feed, outside a caller's timing. The updating scorer then brings
     * the user's entry up to date from its window; the dropping one reads the history afresh.
     */
    String browsingUser() {
        String user = users.get(nextBrowsing);
        nextBrowsing = nextBrowsing + 1 == users.size() ? 0 : nextBrowsing + 1;
        List<Event> view = List.of(new Event("b" + clock, EventType.VIEW, user,
                catalogueIds.get(browsing.nextInt(catalogueIds.size())), 1, Instant.ofEpochMilli(++clock)));
        events.append(view);
        fixture.scorer.eventsStored(view);
        dropping.scorer.eventsStored(view);
        return user;
    }

    /** The indexed call once for this user on the scorer without profile updates. */
    float droppingScoreIndexedOnce(String user) {
        return indexed(dropping, user).scores()[0];
    }

    private List<Event> history(String user) {
        List<Event> history = events.recentForUser(user, readLimit);
        return historyLimit > 0 && history.size() > historyLimit ? history.subList(0, historyLimit) : history;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScoreResult scorer() {
        return fixture.scorer.score(nextUser(), candidates);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScoreResult scorerCold() {
        return fixture.scorer.score(nextColdUser(), candidates);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScoreArray scorerIndexed() {
        return indexed(fixture, nextUser());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScoreArray scorerIndexedCold() {
        return indexed(fixture, nextColdUser());
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ScoreArray scorerIndexedLatency() {
        return indexed(fixture, nextUser());
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ScoreArray scorerIndexedColdLatency() {
        return indexed(fixture, nextColdUser());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float bareOrt() throws OrtException {
        return runBare();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void features(Blackhole hole) {
        extractFeatures(hole);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ScoreResult scorerLatency() {
        return fixture.scorer.score(nextUser(), candidates);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ScoreResult scorerColdLatency() {
        return fixture.scorer.score(nextColdUser(), candidates);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float bareOrtLatency() throws OrtException {
        return runBare();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void featuresLatency(Blackhole hole) {
        extractFeatures(hole);
    }

    /** The bare run of the served model: on the indexed layout's inputs, else on the one [N, F] buffer. */
    private float runBare() throws OrtException {
        if (!indexed) {
            return runPlainBare(bareSession);
        }
        Map<String, OnnxTensor> inputs = new java.util.HashMap<>(bareTables);
        try {
            for (int i = 0; i < bareNames.length; i++) {
                Buffer buffer = bareBuffers[i].rewind();
                inputs.put(bareNames[i], buffer instanceof LongBuffer l ? OnnxTensor.createTensor(env, l, bareShapes[i])
                        : OnnxTensor.createTensor(env, (FloatBuffer) buffer, bareShapes[i]));
            }
            try (OrtSession.Result result = bareSession.run(inputs)) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return out.get(out.limit() - 1);
            }
        } finally {
            for (String name : bareNames) {
                OnnxTensor t = inputs.get(name);
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** The bare run of the plain graph on one pre-built [N, F] buffer (the loop before the indexed layout). */
    private float runPlainBare(OrtSession session) throws OrtException {
        bareInput.rewind();
        try (OnnxTensor input = OnnxTensor.createTensor(env, bareInput, bareShape);
                OrtSession.Result result = session.run(Map.of(inputName, input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            return out.get(out.limit() - 1);
        }
    }

    /** Whether the served ranker is indexed (and a plain copy is served beside it). */
    boolean indexed() {
        return indexed;
    }

    /** The indexed call once for the next (warm) user: candidates by number, scores in order. */
    float scoreIndexedOnce() {
        return indexed(fixture, nextUser()).scores()[0];
    }

    /** The indexed call once for this user. */
    float scoreIndexedOnce(String user) {
        return indexed(fixture, user).scores()[0];
    }

    private int nextPlain;
    private int nextPlainCold;

    /** The plain graph's scorer (map call) once for the next warm user of its own cycle. */
    double plainScoreOnce() {
        String user = users.get(nextPlain);
        nextPlain = nextPlain + 1 == users.size() ? 0 : nextPlain + 1;
        return plainFixture.scorer.score(user, candidates).scores().get(candidates.get(0));
    }

    /** The next cold user of the plain scorer, its entry dropped (outside a caller's timing). */
    String plainColdUser() {
        String user = users.get(nextPlainCold);
        nextPlainCold = nextPlainCold + 1 == users.size() ? 0 : nextPlainCold + 1;
        drop(plainFixture, user);
        return user;
    }

    double plainScoreOnce(String user) {
        return plainFixture.scorer.score(user, candidates).scores().get(candidates.get(0));
    }

    /** The bare loop of the plain graph (the loop before the indexed layout). */
    float plainBareOnce() throws OrtException {
        return runPlainBare(plainBareSession);
    }

    private void extractFeatures(Blackhole hole) {
        hole.consume(extractOnce());
    }

    /** The feature path once (history read + extraction) for the next user; a value of the result. */
    float extractOnce() {
        featureBuffer.clear();
        extractor.extract(snapshot, history(nextUser()), candidates, modelFeatures, featureBuffer);
        return featureBuffer.get(0);
    }

    private final Map<String, dev.rialto.scoring.onnx.internal.features.UserFeatures> profiles =
            new java.util.HashMap<>();
    private int nextWarmFeatures;

    /** The feature path of a warm user alone: extraction from the user's aggregates, computed once per user. */
    float extractWarmOnce() {
        String user = users.get(nextWarmFeatures);
        nextWarmFeatures = nextWarmFeatures + 1 == users.size() ? 0 : nextWarmFeatures + 1;
        var profile = profiles.computeIfAbsent(user, u -> extractor.user(snapshot, history(u)));
        featureBuffer.clear();
        extractor.extract(profile, candidates, modelFeatures, featureBuffer);
        return featureBuffer.get(0);
    }

    /** The scorer once for the next user (warm: its aggregates cached); a value of the result. */
    double scoreOnce() {
        return fixture.scorer.score(nextUser(), candidates).scores().get(candidates.get(0));
    }

    /** The next cold user, its cache entry dropped (outside a caller's timing). */
    String coldUser() {
        return nextColdUser();
    }

    /** The scorer once for this user; a value of the result. */
    double scoreOnce(String user) {
        return fixture.scorer.score(user, candidates).scores().get(candidates.get(0));
    }

    /** The scorer's profile cache: hits, misses, entries, approximate bytes. */
    long[] cacheStats() {
        return fixture.scorer.profileCacheStats();
    }

    /** The bare loop's body once. */
    float bareOnce() throws OrtException {
        return runBare();
    }

    private static FloatBuffer floats(float[] values) {
        FloatBuffer out = direct(values.length);
        out.put(values).flip();
        return out;
    }

    private static LongBuffer longs(long[] values) {
        LongBuffer out = ByteBuffer.allocateDirect(values.length * Long.BYTES).order(ByteOrder.nativeOrder())
                .asLongBuffer();
        out.put(values).flip();
        return out;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The models folder of one setup under the base folder. */
    static Path modelsFolder(Path base, String setup) {
        String[] parts = setup.split("/");
        return base.resolve(parts[0] + "-" + parts[1]);
    }

    /** Trains the ranker of a setup ({@code ranker/history/...}) on the shop, else with the shipped defaults. */
    static dev.rialto.api.models.TrainingReport train(DemoShop shop, String setup, Path folder) {
        String[] parts = setup.split("/");
        return RankerFixture.train(new MemoryItems(shop.items), new MemoryEvents(shop.events),
                new EngineeredFeatureExtractor(), folder, Map.of("ranker", parts[0], "history.limit",
                        Integer.parseInt(parts[1])));
    }

    /**
     * Every user's events, plus older ones until each user has at least {@code atLeast}: copies (new id, new
     * time, six hours apart going back from their first event) of a random event of their own or, half of the
     * time, of the whole shop (so popular items come in too), deterministic for the seed.
     */
    static List<Event> padded(List<Event> events, int atLeast, long seed) {
        if (atLeast <= 0) {
            return events;
        }
        Map<String, List<Event>> byUser = new java.util.LinkedHashMap<>();
        for (Event e : events) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        Random random = new Random(seed);
        List<Event> out = new ArrayList<>(Math.max(events.size(), byUser.size() * atLeast));
        out.addAll(events);
        int n = 0;
        for (Map.Entry<String, List<Event>> user : byUser.entrySet()) {
            List<Event> own = user.getValue();
            java.time.Instant first = own.stream().map(Event::timestamp).min(java.util.Comparator.naturalOrder())
                    .orElseThrow();
            for (int i = own.size(); i < atLeast; i++) {
                Event from = random.nextBoolean() ? own.get(random.nextInt(own.size()))
                        : events.get(random.nextInt(events.size()));
                out.add(new Event("pad" + n++, from.type(), user.getKey(), from.itemId(), from.quantity(),
                        first.minusSeconds(6L * 3600 * (i - own.size() + 1)), from.query()));
            }
        }
        return out;
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("rialto-bench-models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
