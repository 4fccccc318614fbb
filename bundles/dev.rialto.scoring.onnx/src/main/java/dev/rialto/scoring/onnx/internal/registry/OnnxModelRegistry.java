package dev.rialto.scoring.onnx.internal.registry;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelNotFoundException;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.scoring.onnx.internal.ScoringConfig;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves, per model name, the greatest version (string order) under {@code <models dir>/<name>/} whose card and
 * ONNX graph pass docs/model-card.md and whose folder holds no {@value #ROLLED_BACK} marker. Polls the folder
 * (WatchService misses changes on some file systems), loads a new version off the request path, validates it
 * against its own session and the extractor's features, warms it up, then swaps it in atomically. Requests hold a
 * {@link ModelLease}; a replaced session closes once the last request on it is done. A refused version is logged
 * once and the live one is kept. Every version is validated once (then its session is closed unless it serves),
 * so the list of valid versions and rollback need no reload of the older ones' checks.
 */
@Component(service = {OnnxModelRegistry.class, ModelRegistry.class}, configurationPid = OnnxModelRegistry.PID)
public class OnnxModelRegistry implements ModelRegistry {
    public static final String PID = "dev.rialto.scoring.onnx";
    /** A file in a version folder: that version is never chosen again until the file is deleted. */
    public static final String ROLLED_BACK = "rolled-back";
    static final String CARD = "model.json";
    static final String GRAPH = "model.onnx";
    private static final int[] WARM_UP_BATCHES = {1, 16, 64, 1, 16, 64};
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelRegistry.class);

    private final FeatureExtractor extractor;
    private final Map<String, LoadedModel> live = new ConcurrentHashMap<>();
    /** Per name, every version that passed validation, by version. */
    private final Map<String, NavigableMap<String, ModelInfo>> valid = new ConcurrentHashMap<>();
    /** {@code name/version} of every valid version to its card's baselines. */
    private final Map<String, Map<String, Double>> baselines = new ConcurrentHashMap<>();
    /** Version folders with the file fingerprint they were validated with: revalidated only when files change. */
    private final Map<Path, String> validated = new ConcurrentHashMap<>();
    /** Refused version folders with the file fingerprint they were refused for: retried only when files change. */
    private final Map<Path, String> refused = new ConcurrentHashMap<>();
    /** {@code name/version} to why it was refused, for consoles and tests. */
    private final Map<String, ModelRefusal> refusals = new ConcurrentHashMap<>();
    private final List<Consumer<ModelInfo>> listeners = new CopyOnWriteArrayList<>();
    private volatile Path modelsDir;
    private int pollSeconds;
    private ScheduledExecutorService poller;
    /** Scans serialise on this, not on the component: deactivate waits for the poller without holding it. */
    private final Object scanLock = new Object();

    @Activate
    public OnnxModelRegistry(@Reference(name = "extractor") FeatureExtractor extractor) {
        this.extractor = extractor;
    }

    @Activate
    public synchronized void activate(ScoringConfig config) {
        modelsDir = resolveDir(config.models_dir());
        pollSeconds = pollSeconds(config);
        try {
            Files.createDirectories(modelsDir);
        } catch (IOException e) {
            LOG.warn("Cannot create the models folder {}; models appear once it exists", modelsDir, e);
        }
        LOG.info("Model registry watches {} every {} s", modelsDir, pollSeconds);
        scan();
        startPolling();
    }

    @Modified
    public synchronized void modified(ScoringConfig config) {
        Path dir = resolveDir(config.models_dir());
        int seconds = pollSeconds(config);
        if (dir.equals(modelsDir) && seconds == pollSeconds) {
            return; // the scorer's properties changed, not ours
        }
        stopPolling();
        if (!dir.equals(modelsDir)) {
            synchronized (scanLock) {
                retireAll();
                valid.clear();
                baselines.clear();
                validated.clear();
                refused.clear();
                refusals.clear();
            }
        }
        modelsDir = dir;
        pollSeconds = seconds;
        LOG.info("Model registry now watches {} every {} s", modelsDir, pollSeconds);
        scan();
        startPolling();
    }

    @Deactivate
    public synchronized void deactivate() {
        stopPolling();
        synchronized (scanLock) {
            retireAll();
        }
        listeners.clear();
    }

    @Override
    public Optional<ModelInfo> active(String name) {
        LoadedModel model = live.get(name);
        return model == null ? Optional.empty() : Optional.of(model.info());
    }

    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> out = new ArrayList<>();
        new java.util.TreeMap<>(valid).values().forEach(versions -> out.addAll(versions.values()));
        return List.copyOf(out);
    }

    @Override
    public List<ModelRefusal> refusals() {
        return refusals.values().stream()
                .sorted(Comparator.comparing(ModelRefusal::name).thenComparing(ModelRefusal::version)).toList();
    }

    @Override
    public Map<String, Double> baselines(String name, String version) {
        return baselines.getOrDefault(name + "/" + version, Map.of());
    }

    @Override
    public void rescan() {
        scan();
    }

    /**
     * Marks the active version of this name with a {@value #ROLLED_BACK} file and serves the greatest valid
     * unmarked version before it. A newer version dropped in later is unmarked, so it goes live as usual.
     */
    @Override
    public ModelInfo rollback(String name) {
        synchronized (scanLock) {
            LoadedModel current = live.get(name);
            if (current == null) {
                throw new ModelNotFoundException(name, "no model '" + name + "' is active, nothing to roll back");
            }
            String from = current.info().version();
            Path folder = modelsDir.resolve(name);
            NavigableMap<String, ModelInfo> versions = valid.getOrDefault(name, new ConcurrentSkipListMap<>());
            String to = versions.headMap(from, false).descendingKeySet().stream()
                    .filter(v -> !Files.exists(folder.resolve(v).resolve(ROLLED_BACK))).findFirst()
                    .orElseThrow(() -> new ModelNotFoundException(name, "model '" + name + "' has no valid version "
                            + "before " + from + " to roll back to"));
            Path marker = folder.resolve(from).resolve(ROLLED_BACK);
            try {
                Files.writeString(marker, "Rolled back at " + Instant.now() + " to " + name + "@" + to
                        + ". Delete this file to serve this version again.\n");
            } catch (IOException e) {
                throw new RialtoException("cannot roll model '" + name + "' back: writing " + marker + " failed: "
                        + e.getMessage(), e);
            }
            LOG.info("Model {}@{} rolled back by request; {} marked", name, from, marker);
            Path dir = modelsDir;
            if (Files.isDirectory(folder)) {
                scanModel(name, folder);
            }
            LoadedModel now = live.get(name);
            if (now == null || now.info().version().equals(from)) {
                throw new ModelUnavailableException("model '" + name + "' could not switch from " + from + " to "
                        + to + " (see the log); the rolled-back marker stays in " + dir);
            }
            return now.info();
        }
    }

    public Path modelsDir() {
        return modelsDir;
    }

    /**
     * Holds the live model of this name until the lease is closed.
     *
     * @throws ModelUnavailableException when none is loaded
     */
    public ModelLease lease(String name) {
        while (true) {
            LoadedModel model = live.get(name);
            if (model == null) {
                throw new ModelUnavailableException("no model '" + name + "' is loaded from " + modelsDir);
            }
            if (model.acquire()) {
                return new ModelLease(model);
            }
            // It was retired and closed between get and acquire: the map already holds its successor (or nothing).
        }
    }

    /** Called on the poller thread after a model went live. Listeners must be quick. */
    public void addListener(Consumer<ModelInfo> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<ModelInfo> listener) {
        listeners.remove(listener);
    }

    /** One pass over the models folder; the poller calls it, tests may too. */
    public void scan() {
        synchronized (scanLock) {
            scanLocked();
        }
    }

    private void scanLocked() {
        Path dir = modelsDir;
        if (dir == null || !Files.isDirectory(dir)) {
            return; // an unmounted folder must not unload the live models
        }
        List<String> names = subfolders(dir);
        for (String name : names) {
            try {
                scanModel(name, dir.resolve(name));
            } catch (RuntimeException e) {
                LOG.warn("Scanning model folder {} failed", name, e);
            }
        }
        for (String name : List.copyOf(valid.keySet())) {
            if (!names.contains(name)) {
                valid.remove(name);
                baselines.keySet().removeIf(key -> key.startsWith(name + "/"));
            }
        }
        for (String name : List.copyOf(live.keySet())) {
            if (!names.contains(name)) {
                LoadedModel gone = live.remove(name);
                if (gone != null) {
                    LOG.warn("Model folder {} was removed: model {} is no longer served", name, gone.id());
                    gone.retire();
                }
            }
        }
    }

    /**
     * Validates new or changed versions (newest first), then serves the greatest valid version without a
     * rolled-back marker; when every valid version is marked, the greatest valid one, so that a model is served.
     */
    private void scanModel(String name, Path folder) {
        LoadedModel current = live.get(name);
        List<String> versions = subfolders(folder);
        versions.sort(Comparator.reverseOrder());
        NavigableMap<String, ModelInfo> known = valid.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>());
        known.keySet().retainAll(versions);
        baselines.keySet().removeIf(key -> key.startsWith(name + "/")
                && !versions.contains(key.substring(name.length() + 1)));
        refusals.keySet().removeIf(key -> key.startsWith(name + "/")
                && !versions.contains(key.substring(name.length() + 1)));
        String target = null;
        LoadedModel targetModel = null;
        for (String version : versions) {
            Path versionDir = folder.resolve(version);
            boolean rolledBack = Files.exists(versionDir.resolve(ROLLED_BACK));
            boolean wanted = target == null && !rolledBack;
            String fingerprint = fingerprint(versionDir);
            if (fingerprint.equals(refused.get(versionDir))) {
                continue;
            }
            boolean unchanged = fingerprint.equals(validated.get(versionDir)) && known.containsKey(version);
            boolean isCurrent = current != null && current.info().version().equals(version);
            if (unchanged && (!wanted || isCurrent)) {
                if (wanted) {
                    target = version;
                    targetModel = current;
                }
                continue;
            }
            try {
                LoadedModel loaded = load(name, version, versionDir);
                known.put(version, loaded.info());
                baselines.put(name + "/" + version, loaded.card().baselines());
                validated.put(versionDir, fingerprint);
                refused.remove(versionDir);
                refusals.remove(name + "/" + version);
                if (wanted) {
                    target = version;
                    targetModel = loaded;
                } else {
                    loaded.retire(); // validated only; loaded again if it is ever chosen
                }
            } catch (InvalidModelException e) {
                known.remove(version);
                baselines.remove(name + "/" + version);
                validated.remove(versionDir);
                refused.put(versionDir, fingerprint);
                refusals.put(name + "/" + version, new ModelRefusal(name, version, e.field(), e.getMessage()));
                LOG.warn("Model {} version {} refused{}: {}", name, version,
                        current == null ? "" : " (" + current.id() + " was live)", e.getMessage());
            }
        }
        if (target == null && !known.isEmpty()) {
            // Every valid version is marked: serve the newest rather than nothing.
            String newest = known.lastKey();
            LOG.warn("Every valid version of model {} is marked {}: serving {} anyway", name, ROLLED_BACK, newest);
            if (current != null && current.info().version().equals(newest)) {
                return;
            }
            try {
                targetModel = load(name, newest, folder.resolve(newest));
            } catch (InvalidModelException e) {
                LOG.warn("Model {} version {} no longer loads: {}", name, newest, e.getMessage());
            }
        }
        if (targetModel == null) {
            if (current != null && live.remove(name, current)) {
                LOG.warn("No valid version of model {} is left (the folder of {} was removed or refused): "
                        + "it is no longer served", name, current.id());
                current.retire();
            }
            return;
        }
        if (targetModel != current) {
            swapIn(targetModel);
        }
    }

    private void swapIn(LoadedModel loaded) {
        LoadedModel old = live.put(loaded.info().name(), loaded);
        LOG.info("Model {} is live ({} features){}", loaded.id(), loaded.features().size(),
                old == null ? "" : ", replacing " + old.id());
        if (old != null) {
            old.retire();
        }
        for (Consumer<ModelInfo> listener : listeners) {
            try {
                listener.accept(loaded.info());
            } catch (RuntimeException e) {
                LOG.warn("A model listener failed on {}", loaded.id(), e);
            }
        }
    }

    /** Reads, validates and warms up one version; the session is closed again on any refusal. */
    LoadedModel load(String name, String version, Path versionDir) {
        long started = System.nanoTime();
        byte[] json;
        try {
            json = Files.readAllBytes(versionDir.resolve(CARD));
        } catch (NoSuchFileException e) {
            throw new InvalidModelException(CARD, "is missing");
        } catch (IOException e) {
            throw new InvalidModelException(CARD, "cannot be read: " + e.getMessage());
        }
        ModelCard card = ModelCard.parse(json);
        card.check(name, version, extractor.featureNames());
        Path graph = versionDir.resolve(GRAPH);
        if (!Files.isRegularFile(graph)) {
            throw new InvalidModelException(GRAPH, "is missing");
        }
        Map<String, Long> vocabulary = card.vocabulary() == null ? Map.of() : vocabulary(card, versionDir);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            // One thread per request and no spinning: requests run in parallel on their own threads.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            session = env.createSession(graph.toString(), options);
            checkSignature(card, session);
            warmUp(env, card, session, vocabulary.size());
        } catch (OrtException e) {
            close(session, options);
            throw new InvalidModelException(GRAPH, "ONNX Runtime cannot run it: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(session, options);
            throw e;
        }
        ModelInfo info = new ModelInfo(name, version, card.allFeatures(), card.metrics(), card.createdAt(),
                Instant.now());
        LOG.debug("Loaded model {}@{} in {} ms", name, version, (System.nanoTime() - started) / 1_000_000);
        return new LoadedModel(card, info, session, options, vocabulary);
    }

    /** Line i of the card's vocabulary file is the item whose integer is first + i; blank lines are refused. */
    private static Map<String, Long> vocabulary(ModelCard card, Path versionDir) {
        ModelCard.Vocabulary v = card.vocabulary();
        Path file = versionDir.resolve(v.file());
        List<String> lines;
        try {
            lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidModelException("vocabulary.file", "'" + v.file() + "' is missing");
        } catch (IOException e) {
            throw new InvalidModelException("vocabulary.file", "'" + v.file() + "' cannot be read: " + e.getMessage());
        }
        Map<String, Long> out = new java.util.HashMap<>(lines.size() * 2);
        for (int i = 0; i < lines.size(); i++) {
            String id = lines.get(i).strip();
            if (id.isEmpty()) {
                throw new InvalidModelException("vocabulary.file", "line " + (i + 1) + " of '" + v.file()
                        + "' is empty");
            }
            if (out.put(id, v.first() + i) != null) {
                throw new InvalidModelException("vocabulary.file", "item '" + id + "' is listed twice in '"
                        + v.file() + "' (line " + (i + 1) + ")");
            }
        }
        return Map.copyOf(out);
    }

    private static void checkSignature(ModelCard card, OrtSession session) throws OrtException {
        Map<String, NodeInfo> graphInputs = session.getInputInfo();
        if (graphInputs.size() != card.inputs().size()) {
            throw new InvalidModelException("signature.inputs", "the ONNX graph has inputs " + graphInputs.keySet()
                    + ", the card names " + card.inputs().stream().map(ModelCard.Input::name).toList());
        }
        for (int i = 0; i < card.inputs().size(); i++) {
            ModelCard.Input input = card.inputs().get(i);
            checkTensor(graphInputs, input.name(), input.shape(), "signature.inputs[" + i + "]",
                    input.type().equals(ModelCard.FLOAT32) ? OnnxJavaType.FLOAT : OnnxJavaType.INT64);
        }
        Map<String, NodeInfo> graphOutputs = session.getOutputInfo();
        if (graphOutputs.size() != 1) {
            throw new InvalidModelException("signature.outputs[0].name", "the ONNX graph's tensors are "
                    + graphOutputs.keySet() + ", the card names '" + card.outputName() + "'");
        }
        checkTensor(graphOutputs, card.outputName(), List.of(-1L, (long) card.outputWidth()), "signature.outputs[0]",
                OnnxJavaType.FLOAT);
    }

    private static void checkTensor(Map<String, NodeInfo> graph, String name, List<Long> dims, String field,
            OnnxJavaType type) {
        if (!graph.containsKey(name)) {
            throw new InvalidModelException(field + ".name",
                    "the ONNX graph's tensors are " + graph.keySet() + ", the card names '" + name + "'");
        }
        if (!(graph.get(name).getInfo() instanceof TensorInfo tensor)) {
            throw new InvalidModelException(field, "the ONNX graph's '" + name + "' is not a tensor");
        }
        if (tensor.type != type) {
            throw new InvalidModelException(field + ".type", "the ONNX graph's '" + name + "' is " + tensor.type
                    + ", not " + (type == OnnxJavaType.FLOAT ? "float32" : "int64"));
        }
        long[] shape = tensor.getShape();
        boolean same = shape.length == dims.size();
        for (int i = 0; same && i < shape.length; i++) {
            same = shape[i] == dims.get(i);
        }
        if (!same) {
            throw new InvalidModelException(field + ".shape", "the ONNX graph's '" + name + "' has shape "
                    + java.util.Arrays.toString(shape) + ", the card says " + dims);
        }
    }

    /** A few batches so the first requests do not pay for lazy allocation; also proves the output is sane. */
    private static void warmUp(OrtEnvironment env, ModelCard card, OrtSession session, int vocabularySize)
            throws OrtException {
        if (card.indexed()) {
            warmUpIndexed(env, card, session);
            return;
        }
        for (int rows : WARM_UP_BATCHES) {
            Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
            try {
                for (ModelCard.Input input : card.inputs()) {
                    int width = input.width();
                    long[] shape = {rows, width};
                    if (input.dense()) {
                        FloatBuffer in = ByteBuffer.allocateDirect(rows * width * Float.BYTES)
                                .order(ByteOrder.nativeOrder()).asFloatBuffer();
                        for (int i = 0; i < rows * width; i++) {
                            in.put((i % 7) / 7f);
                        }
                        in.flip();
                        inputs.put(input.name(), OnnxTensor.createTensor(env, in, shape));
                    } else {
                        // Every kind of id: padding, out of vocabulary and the first and last known items.
                        ModelCard.Vocabulary v = card.vocabulary();
                        long[] ids = {v.padding(), v.oov(), v.first(), v.first() + Math.max(0, vocabularySize - 1)};
                        java.nio.LongBuffer in = ByteBuffer.allocateDirect(rows * width * Long.BYTES)
                                .order(ByteOrder.nativeOrder()).asLongBuffer();
                        for (int i = 0; i < rows * width; i++) {
                            in.put(vocabularySize == 0 && i % 4 > 1 ? v.oov() : ids[i % 4]);
                        }
                        in.flip();
                        inputs.put(input.name(), OnnxTensor.createTensor(env, in, shape));
                    }
                }
                warmUpRun(card, session, inputs, rows);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    /**
     * The indexed layout on small tables of three items (two category keys, vectors of 2) with known, unknown and
     * repeated candidates: proves the graph assembles rows of every kind and answers finite scores.
     */
    private static void warmUpIndexed(OrtEnvironment env, ModelCard card, OrtSession session) throws OrtException {
        int items = 4; // row 0 is the unknown item
        int columns = IndexedLayout.ITEM_VALUE_COLUMNS.size();
        float[] values = new float[items * columns];
        long[] keys = {0, 1, 2, 1};
        for (int row = 1; row < items; row++) {
            for (int c = 0; c < columns; c++) {
                values[row * columns + c] = ((row + c) % 5) / 5f;
            }
        }
        float[] vectors = {0, 0, 0.5f, -0.25f, 0.1f, 0.2f, 0, 0};
        float[] user = {0, 0, 0, 0.3f, 0.6f, 0.4f, 0.5f, 0.3f, 0.1f, 0.2f, 0, 0.3f};
        float[] userVector = {0.2f, -0.1f};
        int cells = IndexedLayout.USER_ITEM_COLUMNS.size();
        for (int rows : WARM_UP_BATCHES) {
            Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
            try {
                long[] candidates = new long[rows];
                float[] userItems = new float[rows * cells];
                for (int r = 0; r < rows; r++) {
                    candidates[r] = r % items;
                    userItems[r * cells + (r % cells)] = r % 3 == 0 ? 0.5f : 0f;
                }
                inputs.put(card.input(IndexedLayout.CANDIDATE_INDEX).name(), OnnxTensor.createTensor(env,
                        java.nio.LongBuffer.wrap(candidates), new long[] {rows}));
                inputs.put(card.input(IndexedLayout.ITEM_VALUES).name(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(values), new long[] {items, columns}));
                inputs.put(card.input(IndexedLayout.ITEM_KEYS).name(), OnnxTensor.createTensor(env,
                        java.nio.LongBuffer.wrap(keys), new long[] {items}));
                inputs.put(card.input(IndexedLayout.ITEM_VECTORS).name(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(vectors), new long[] {items, 2}));
                inputs.put(card.input(IndexedLayout.USER_VALUES).name(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(user), new long[] {3, IndexedLayout.USER_VALUE_COLUMNS.size()}));
                inputs.put(card.input(IndexedLayout.USER_VECTOR).name(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(userVector), new long[] {2, 1}));
                inputs.put(card.input(IndexedLayout.USER_ITEMS).name(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(userItems), new long[] {rows, cells}));
                warmUpRun(card, session, inputs, rows);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static void warmUpRun(ModelCard card, OrtSession session, Map<String, OnnxTensor> inputs, int rows)
            throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] shape = output.getInfo().getShape();
            if (shape.length != 2 || shape[0] != rows || shape[1] != card.outputWidth()) {
                throw new InvalidModelException("signature.outputs[0].shape", "a batch of " + rows
                        + " rows produced shape " + java.util.Arrays.toString(shape));
            }
            FloatBuffer scores = output.getFloatBuffer();
            while (scores.hasRemaining()) {
                if (!Float.isFinite(scores.get())) {
                    throw new InvalidModelException("signature.outputs[0]", "warm-up produced a non-finite score");
                }
            }
        }
    }

    private static void close(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            LOG.debug("Closing a refused session failed", e);
        }
        options.close();
    }

    private static List<String> subfolders(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return new ArrayList<>(children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList());
        } catch (IOException e) {
            LOG.warn("Cannot list {}", dir, e);
            return new ArrayList<>();
        }
    }

    /**
     * Sizes and times of the files (the card, the graph, a vocabulary): a refused version is retried once someone
     * fixes it in place. The rolled-back marker does not count.
     */
    private static String fingerprint(Path versionDir) {
        StringBuilder out = new StringBuilder();
        List<String> files = new ArrayList<>(List.of(CARD, GRAPH));
        try (Stream<Path> list = Files.list(versionDir)) {
            list.map(p -> p.getFileName().toString()).filter(n -> !files.contains(n) && !n.equals(ROLLED_BACK))
                    .sorted().forEach(files::add);
        } catch (IOException e) {
            // the two required files below say "missing"
        }
        for (String file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(versionDir.resolve(file), BasicFileAttributes.class);
                out.append(file).append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                out.append(file).append(":missing");
            }
            out.append(';');
        }
        return out.toString();
    }

    private void startPolling() {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rialto-model-registry");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                scan();
            } catch (RuntimeException e) {
                LOG.warn("Model folder scan failed", e);
            }
        }, pollSeconds, pollSeconds, TimeUnit.SECONDS);
    }

    private void stopPolling() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                if (!poller.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("The model registry poller did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poller = null;
        }
    }

    private void retireAll() {
        for (String name : List.copyOf(live.keySet())) {
            LoadedModel model = live.remove(name);
            if (model != null) {
                model.retire();
            }
        }
    }

    private static int pollSeconds(ScoringConfig config) {
        if (config.poll_seconds() < 1) {
            throw new IllegalArgumentException("poll.seconds must be at least 1, was " + config.poll_seconds());
        }
        return config.poll_seconds();
    }

    static Path resolveDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip()).toAbsolutePath().normalize();
        }
        String home = System.getProperty("karaf.home");
        if (home == null || home.isBlank()) {
            throw new IllegalArgumentException("models.dir is empty and the system property karaf.home is not set");
        }
        return Path.of(home, "models").toAbsolutePath().normalize();
    }
}
