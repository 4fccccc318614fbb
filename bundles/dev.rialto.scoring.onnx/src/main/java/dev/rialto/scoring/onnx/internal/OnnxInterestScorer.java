package dev.rialto.scoring.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.Require;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.privacy.UserDataListener;
import dev.rialto.api.retrieval.BehaviourVectorReader;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ItemNumbering;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ScoreArray;
import dev.rialto.api.scoring.ScoreResult;
import dev.rialto.scoring.onnx.internal.features.EngineeredFeatureExtractor;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import dev.rialto.scoring.onnx.internal.features.UserFeatures;
import dev.rialto.scoring.onnx.internal.registry.LoadedModel;
import dev.rialto.scoring.onnx.internal.registry.ModelCard;
import dev.rialto.scoring.onnx.internal.registry.ModelLease;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores candidates for a user with the registry's live model, in one batched ONNX run per request. Features are
 * computed against a catalogue snapshot that a background thread rebuilds periodically and whenever a new model
 * goes live; the request path never scans the store, it only reads the user's recent events.
 */
@Component(service = {InterestScorer.class, EventListener.class, ItemChangeListener.class, UserDataListener.class},
        configurationPid = OnnxModelRegistry.PID,
        property = {ServiceProperties.PROVIDER + "=onnx", ServiceProperties.BEAN_NAME + "=scorer"})
@Designate(ocd = ScoringConfig.class)
public class OnnxInterestScorer implements InterestScorer, EventListener, ItemChangeListener, UserDataListener {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxInterestScorer.class);
    private static final int POOLED_BUFFERS = 8;
    private static final int MIN_BUFFER_FLOATS = 16 * 1024;

    private final FeatureExtractor extractor;
    private final OnnxModelRegistry registry;
    private final ItemRepository items;
    private final EventRepository events;
    /** Direct buffers are costly to allocate and free: reuse a few across requests. */
    private final ConcurrentLinkedQueue<FloatBuffer> buffers = new ConcurrentLinkedQueue<>();
    /** The indexed layout's per-request buffers. */
    private final ConcurrentLinkedQueue<Scratch> scratches = new ConcurrentLinkedQueue<>();
    /** Set on deactivation: a request finishing later closes its scratch instead of pooling it. */
    private volatile boolean closed;
    /** The current snapshot's item tables as tensors (indexed-layout rankers), created on first use. */
    private volatile SnapshotTensors snapshotTensors;
    private final Consumer<ModelInfo> onNewModel = this::modelChanged;
    private volatile String modelName;
    private volatile int historyLimit;
    /** Users' aggregates between requests (profile.cache.mb); replaced on a configuration change. */
    private volatile UserProfileCache profiles = new UserProfileCache(0);
    /** profile.updates: a user's new events update their cached aggregates instead of dropping them. */
    private volatile boolean profileUpdates;
    /**
     * The published behaviour vectors (the item index), for the user_item_behaviour feature; optional. The ad click
     * model's scorer (a subclass: DS annotations are not inherited) binds it by its own methods.
     */
    @Reference(name = "behaviour", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BehaviourVectorReader behaviour;
    private int refreshSeconds;
    private ScheduledExecutorService refresher;
    /** Shared with the other scorers of the same stores (the ranker's and the ad click model's). */
    private final SharedSnapshot shared;
    /** A snapshot older than this is rebuilt even when the change feed said nothing (a missed notification). */
    static final long MAX_UNCHANGED_AGE_NANOS = TimeUnit.HOURS.toNanos(1);

    @Activate
    public OnnxInterestScorer(@Reference(name = "extractor") FeatureExtractor extractor,
            @Reference(name = "registry") OnnxModelRegistry registry, @Reference(name = "items") ItemRepository items,
            @Reference(name = "events") EventRepository events) {
        this.extractor = extractor;
        this.registry = registry;
        this.items = items;
        this.events = events;
        // Usable at once; the background build replaces it within moments.
        this.shared = SharedSnapshot.acquire(extractor, items, events);
    }

    @Activate
    public synchronized void activate(ScoringConfig config) {
        closed = false;
        apply(config);
        registry.addListener(onNewModel);
        startRefreshing();
    }

    @Modified
    public synchronized void modified(ScoringConfig config) {
        int before = refreshSeconds;
        apply(config);
        if (before != refreshSeconds) {
            stopRefreshing();
            startRefreshing();
        }
    }

    @Deactivate
    public synchronized void deactivate() {
        registry.removeListener(onNewModel);
        stopRefreshing();
        buffers.clear();
        closed = true;
        for (Scratch scratch; (scratch = scratches.poll()) != null; ) {
            scratch.close();
        }
        synchronized (this) {
            if (snapshotTensors != null) {
                snapshotTensors.retire();
                snapshotTensors = null;
            }
        }
        shared.release();
    }

    @Override
    public Optional<ModelInfo> activeModel() {
        return registry.active(modelName);
    }

    @Override
    public ScoreResult score(String userId, List<String> itemIds) {
        List<String> ids = distinct(itemIds);
        String user = userId == null || userId.isBlank() ? null : userId.strip();
        FeatureSnapshot stats = shared.snapshot.get();
        UserProfileCache cache = profiles;
        // A warm user: the aggregates of an unchanged history against this snapshot, no store read at all.
        UserProfileCache.Cached known = user == null || !cache.enabled()
                || !(extractor instanceof EngineeredFeatureExtractor) ? null : upToDate(user, cache.get(user, stats),
                cache);
        int stamp = user == null ? 0 : cache.stamp(user); // before the read: see UserProfileCache
        // Read the store before taking the model, so the lease only spans the inference.
        List<Event> history = user == null || known != null ? List.of() : events.recentForUser(user, historyLimit);
        try (ModelLease lease = registry.lease(modelName)) {
            LoadedModel model = lease.model();
            if (ids.isEmpty()) {
                return new ScoreResult(model.info(), Map.of());
            }
            int trained = model.card().historyLimit();
            boolean indexed = model.card().indexed() && extractor instanceof EngineeredFeatureExtractor;
            if (model.card().indexed() && !indexed) {
                throw new RialtoException("model " + model.id() + " assembles its features from the engineered"
                        + " extractor's tables; the bound extractor is " + extractor.getClass().getName());
            }
            if (!model.card().denseOnly() && !indexed) {
                if (known != null) {
                    history = events.recentForUser(user, historyLimit);
                }
                return new ScoreResult(model.info(), runSignature(model, stats, history, ids));
            }
            int used = trained > 0 ? Math.min(trained, historyLimit) : historyLimit;
            if (known != null && known.historyLimit() != used) {
                known = null; // computed for another history length (a new model card or configuration)
                history = events.recentForUser(user, historyLimit);
            }
            // Serve the model the history length it was trained with (history is newest first).
            if (history.size() > used) {
                history = history.subList(0, used);
            }
            if (indexed) {
                UserFeatures features = userFeatures(user, stats, cache, known, stamp, used, history);
                int[] at = new int[ids.size()];
                for (int i = 0; i < at.length; i++) {
                    at[i] = IndexedLayout.indexOf(stats, ids.get(i));
                }
                float[] scores = runIndexed(model, stats, features, at, ids);
                @SuppressWarnings("unchecked")
                Map.Entry<String, Double>[] entries = new Map.Entry[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    entries[i] = Map.entry(ids.get(i), (double) scores[i]);
                }
                return new ScoreResult(model.info(), Map.ofEntries(entries));
            }
            int rows = ids.size();
            int columns = model.features().size();
            FloatBuffer in = borrow(rows * columns);
            try {
                if (extractor instanceof EngineeredFeatureExtractor engineered && user != null) {
                    UserFeatures features = known == null ? null : known.features();
                    if (features == null) {
                        features = engineered.user(stats, history, cache.enabled() && profileUpdates);
                        if (cache.enabled()) {
                            cache.put(user, stamp, used, features);
                        }
                    }
                    engineered.extract(features, ids, model.features(), in);
                } else {
                    extractor.extract(stats, history, ids, model.features(), in);
                }
                in.flip();
                return new ScoreResult(model.info(), run(model, in, ids));
            } finally {
                giveBack(in);
            }
        }
    }

    @Override
    public Optional<ItemNumbering> numbering() {
        return extractor instanceof EngineeredFeatureExtractor && shared.snapshot.get() instanceof ItemNumbering n
                ? Optional.of(n) : Optional.empty();
    }

    /**
     * Candidates by number, scores in their order. With a ranker of the indexed layout the request passes the
     * candidates' table rows and the user's vectors (no string, no [N, F] matrix, no map); with any other model it
     * scores through {@link #score} and answers in order.
     */
    @Override
    public ScoreArray scoreIndexed(String userId, ItemNumbering numbering, int[] candidates) {
        Require.nonNull(numbering, "numbering");
        Require.nonNull(candidates, "candidates");
        FeatureSnapshot stats = shared.snapshot.get();
        int size = numbering.size();
        int[] at = candidates;
        if (numbering != stats) {
            // Numbers of another (older) snapshot: through their ids.
            at = new int[candidates.length];
            for (int i = 0; i < at.length; i++) {
                String id = numbering.itemId(candidates[i]);
                at[i] = stats instanceof ItemNumbering current ? current.indexOf(id) : -1;
            }
        } else {
            for (int c : candidates) {
                if (c < 0 || c >= size) {
                    throw new IndexOutOfBoundsException("candidate " + c + " is not an item number in [0, " + size
                            + ")");
                }
            }
        }
        ScoreArray answer;
        // One lease for the whole call (it used to be taken twice: a peek at the card, then the run). A cold
        // user's store read now happens under it too: a replaced model's session closes after that read.
        try (ModelLease lease = registry.lease(modelName)) {
            answer = scoreIndexed(lease.model(), userId, numbering, candidates, stats, at);
        }
        return answer != null ? answer : inOrder(userId, numbering, candidates);
    }

    /** scoreIndexed with the model leased; null when the model or the extractor is not of the indexed layout. */
    private ScoreArray scoreIndexed(LoadedModel model, String userId, ItemNumbering numbering, int[] candidates,
            FeatureSnapshot stats, int[] at) {
        if (!model.card().indexed() || !(extractor instanceof EngineeredFeatureExtractor)
                || !(stats instanceof ItemNumbering)) {
            return null;
        }
        String user = userId == null || userId.isBlank() ? null : userId.strip();
        UserProfileCache cache = profiles;
        UserProfileCache.Cached known = user == null || !cache.enabled() ? null
                : upToDate(user, cache.get(user, stats), cache);
        int stamp = user == null ? 0 : cache.stamp(user); // before the read: see UserProfileCache
        if (candidates.length == 0) {
            return new ScoreArray(model.info(), new float[0]);
        }
        int trained = model.card().historyLimit();
        int used = trained > 0 ? Math.min(trained, historyLimit) : historyLimit;
        if (known != null && known.historyLimit() != used) {
            known = null;
        }
        List<Event> history = user == null || known != null ? List.of() : events.recentForUser(user, historyLimit);
        if (history.size() > used) {
            history = history.subList(0, used);
        }
        UserFeatures features = userFeatures(user, stats, cache, known, stamp, used, history);
        // Ids only for numbers that the current snapshot does not know (the user may have events on them).
        List<String> ids = null;
        for (int i = 0; i < at.length && ids == null; i++) {
            if (at[i] < 0) {
                ids = new ArrayList<>(at.length);
                for (int c : candidates) {
                    ids.add(numbering.itemId(c));
                }
            }
        }
        return new ScoreArray(model.info(), runIndexed(model, stats, features, at, ids));
    }

    /** Any other model: the map path, answered in candidate order. */
    private ScoreArray inOrder(String userId, ItemNumbering numbering, int[] candidates) {
        List<String> ids = new ArrayList<>(candidates.length);
        for (int c : candidates) {
            ids.add(numbering.itemId(c));
        }
        ScoreResult result = score(userId, ids);
        float[] out = new float[candidates.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = result.scores().get(ids.get(i)).floatValue();
        }
        return new ScoreArray(result.model(), out);
    }

    /**
     * A cached entry with the user's reported new events applied from its window (and cached so), or as it is
     * when none are pending; null when the update gave up, so the request reads the history afresh.
     */
    private UserProfileCache.Cached upToDate(String user, UserProfileCache.Cached known, UserProfileCache cache) {
        if (known == null || known.pending().isEmpty()) {
            return known;
        }
        UserFeatures updated = ((EngineeredFeatureExtractor) extractor).withEvents(known.features(), known.pending(),
                known.historyLimit());
        if (updated == null) {
            cache.updatesGivenUp.increment();
            return null;
        }
        cache.updates.increment();
        cache.put(user, known.stamp(), known.historyLimit(), updated);
        return new UserProfileCache.Cached(updated, known.historyLimit(), List.of(), known.stamp());
    }

    /** The user's aggregates: the cached ones, else computed from the history (and cached when allowed). */
    private UserFeatures userFeatures(String user, FeatureSnapshot stats, UserProfileCache cache,
            UserProfileCache.Cached known, int stamp, int used, List<Event> history) {
        if (known != null) {
            return known.features();
        }
        UserFeatures features = ((EngineeredFeatureExtractor) extractor).user(stats, user == null ? List.of()
                : history, user != null && cache.enabled() && profileUpdates);
        if (user != null && cache.enabled()) {
            cache.put(user, stamp, used, features);
        }
        return features;
    }

    /**
     * One run of an indexed-layout ranker: the snapshot's tables (created once), the user's values and vector, and
     * per candidate its row and user-item cells.
     *
     * @param at  each candidate's dense index in {@code stats}, -1 when not catalogued
     * @param ids the candidates' ids, or null when every one is catalogued
     */
    private float[] runIndexed(LoadedModel model, FeatureSnapshot stats, UserFeatures user, int[] at,
            List<String> ids) {
        int rows = at.length;
        SnapshotTensors tables = tables(stats);
        Scratch scratch = scratch();
        boolean reusable = false;
        try {
            float[] values = IndexedLayout.userValues(user);
            float[] vector = IndexedLayout.userVector(user);
            if (vector.length != tables.tables.dimension) {
                throw new IllegalStateException("user vector of " + vector.length + " values for item vectors of "
                        + tables.tables.dimension);
            }
            scratch.shape(rows, values.length, vector.length);
            LongBuffer rowsOf = scratch.candidates;
            for (int i = 0; i < rows; i++) {
                rowsOf.put(i, IndexedLayout.row(at[i]));
            }
            IndexedLayout.userItems(user, at, ids, scratch.userItems);
            scratch.userValues.put(0, values);
            scratch.userVector.put(0, vector);
            String[] names = model.indexedInputs(); // in IndexedLayout.INPUTS order
            Map<String, OnnxTensor> inputs = Map.of(names[0], scratch.candidatesTensor, names[1], tables.itemValues,
                    names[2], tables.itemKeys, names[3], tables.itemVectors, names[4], scratch.userValuesTensor,
                    names[5], scratch.userVectorTensor, names[6], scratch.userItemsTensor);
            float[] scores;
            try (OrtSession.Result result = model.session().run(inputs)) {
                scores = positiveScores(model, result, rows);
            }
            reusable = true;
            return scores;
        } catch (OrtException e) {
            throw new RialtoException("scoring " + rows + " items with model " + model.id() + " failed", e);
        } finally {
            // A scratch whose run failed may hold tensors in any state: closed, not reused.
            if (reusable && !closed) {
                scratches.offer(scratch);
                if (closed && scratches.remove(scratch)) {
                    scratch.close(); // deactivated meanwhile
                }
            } else {
                scratch.close();
            }
            tables.release();
        }
    }

    /** The current snapshot's tables, with a reference taken; a request on a superseded snapshot gets its own. */
    private SnapshotTensors tables(FeatureSnapshot stats) {
        while (true) {
            SnapshotTensors held = snapshotTensors;
            if (held != null && held.snapshot == stats) {
                if (held.acquire()) {
                    return held;
                }
                continue; // retired between the read and the acquire: a newer one is in place
            }
            synchronized (this) {
                held = snapshotTensors;
                if (held != null && held.snapshot == stats) {
                    continue;
                }
                SnapshotTensors fresh = new SnapshotTensors(stats);
                if (stats != shared.snapshot.get()) {
                    return fresh; // already superseded: used once, closed on release
                }
                fresh.acquire();
                snapshotTensors = fresh;
                if (held != null) {
                    held.retire();
                }
                return fresh;
            }
        }
    }

    /** Each row's score: the card's output at its positive column. */
    private static float[] positiveScores(LoadedModel model, OrtSession.Result result, int rows) {
        ModelCard card = model.card();
        OnnxValue value = result.get(card.outputName()).orElseThrow(() -> new RialtoException("model "
                + model.id() + " returned no '" + card.outputName() + "' output"));
        FloatBuffer out = ((OnnxTensor) value).getFloatBuffer();
        int width = card.outputWidth();
        int positive = card.positiveIndex();
        float[] scores = new float[rows];
        for (int row = 0; row < rows; row++) {
            scores[row] = out.get(row * width + positive);
        }
        return scores;
    }

    /**
     * The indexed layout's per-request inputs, reused across requests (pooled; one request at a time): direct
     * buffers with their tensors created over them once per shape. ONNX Runtime reads a direct buffer's memory in
     * place at every run, so a request writes its values into the buffers and runs: no tensor is created, no
     * buffer copied, nothing closed per request. The shapes change only with the candidate count, the snapshot's
     * category keys and the vectors' dimension.
     */
    private static final class Scratch implements AutoCloseable {
        LongBuffer candidates;
        FloatBuffer userItems;
        FloatBuffer userValues;
        FloatBuffer userVector;
        OnnxTensor candidatesTensor;
        OnnxTensor userItemsTensor;
        OnnxTensor userValuesTensor;
        OnnxTensor userVectorTensor;
        private int rows = -1;
        private int values = -1;
        private int dimension = -1;
        private ByteBuffer candidateMemory;
        private ByteBuffer itemMemory;

        /** Direct memory of at least {@code bytes}: the same when it has room, else twice as much as needed. */
        private static ByteBuffer room(ByteBuffer memory, int bytes) {
            return memory != null && memory.capacity() >= bytes ? memory : ByteBuffer.allocateDirect(2 * bytes);
        }

        /** Buffers and tensors of exactly these sizes (a tensor takes its buffer's remaining length). */
        void shape(int rows, int values, int dimension) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            if (rows != this.rows) {
                this.rows = -1;
                close(candidatesTensor, userItemsTensor);
                candidatesTensor = null;
                userItemsTensor = null;
                int width = IndexedLayout.USER_ITEM_COLUMNS.size();
                // The candidate count changes from request to request (heads cut by filters, campaign depths): the
                // memory only grows, and each count gets views of exactly its size (no direct allocation per count).
                candidateMemory = room(candidateMemory, rows * Long.BYTES);
                itemMemory = room(itemMemory, rows * width * Float.BYTES);
                candidates = candidateMemory.slice(0, rows * Long.BYTES).order(ByteOrder.nativeOrder())
                        .asLongBuffer();
                userItems = itemMemory.slice(0, rows * width * Float.BYTES).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                candidatesTensor = OnnxTensor.createTensor(env, candidates, new long[] {rows});
                userItemsTensor = OnnxTensor.createTensor(env, userItems, new long[] {rows, width});
                this.rows = rows;
            }
            if (values != this.values) {
                this.values = -1;
                close(userValuesTensor);
                userValuesTensor = null;
                int width = IndexedLayout.USER_VALUE_COLUMNS.size();
                userValues = directFloats(values);
                userValuesTensor = OnnxTensor.createTensor(env, userValues, new long[] {values / width, width});
                this.values = values;
            }
            if (dimension != this.dimension) {
                this.dimension = -1;
                close(userVectorTensor);
                userVectorTensor = null;
                userVector = directFloats(dimension);
                userVectorTensor = OnnxTensor.createTensor(env, userVector, new long[] {dimension, 1});
                this.dimension = dimension;
            }
        }

        @Override
        public void close() {
            rows = -1;
            values = -1;
            dimension = -1;
            close(candidatesTensor, userItemsTensor, userValuesTensor, userVectorTensor);
            candidatesTensor = null;
            userItemsTensor = null;
            userValuesTensor = null;
            userVectorTensor = null;
        }

        private static void close(OnnxTensor... tensors) {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }

        private static FloatBuffer directFloats(int count) {
            return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    private Scratch scratch() {
        Scratch scratch = scratches.poll();
        return scratch == null ? new Scratch() : scratch;
    }

    private static Map<String, Double> run(LoadedModel model, FloatBuffer in, List<String> ids) {
        int rows = ids.size();
        int columns = model.features().size();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, in, new long[] {rows, columns});
                OrtSession.Result result = model.session().run(Map.of(model.card().inputName(), input))) {
            float[] positive = positiveScores(model, result, rows);
            // Entries straight into an immutable map: ScoreResult's Map.copyOf then keeps it as is.
            @SuppressWarnings("unchecked")
            Map.Entry<String, Double>[] scores = new Map.Entry[rows];
            for (int row = 0; row < rows; row++) {
                scores[row] = Map.entry(ids.get(row), (double) positive[row]);
            }
            return Map.ofEntries(scores);
        } catch (OrtException e) {
            throw new RialtoException("scoring " + rows + " items with model " + model.id() + " failed", e);
        }
    }

    /** Item events a sequence model's history is made of, as the recipe in models/sequence/ trains it. */
    private static final Set<EventType> SEQUENCE_EVENTS = EnumSet.of(EventType.VIEW, EventType.CLICK,
            EventType.ADD_TO_CART, EventType.PURCHASE);

    /**
     * Builds every input the card's signature names, in one batch of {@code ids.size()} rows, from direct
     * buffers: dense features through the extractor, the user's item history (oldest first, consecutive repeats
     * collapsed, left-padded) and each candidate as vocabulary integers, unknown items as the OOV index. Every
     * tensor is closed before returning.
     */
    private Map<String, Double> runSignature(LoadedModel model, FeatureSnapshot stats, List<Event> history,
            List<String> ids) {
        int rows = ids.size();
        ModelCard card = model.card();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        FloatBuffer dense = null;
        try {
            for (ModelCard.Input input : card.inputs()) {
                int width = input.width();
                long[] shape = {rows, width};
                if (input.dense()) {
                    List<Event> cut = card.historyLimit() > 0 && history.size() > card.historyLimit()
                            ? history.subList(0, card.historyLimit()) : history;
                    dense = borrow(rows * width);
                    extractor.extract(stats, cut, ids, model.features(), dense);
                    dense.flip();
                    inputs.put(input.name(), OnnxTensor.createTensor(env, dense, shape));
                } else if (ModelCard.HISTORY_ITEM_IDS.equals(input.feature())) {
                    long[] sequence = sequence(model, history, width);
                    LongBuffer in = directLongs(rows * width);
                    for (int r = 0; r < rows; r++) {
                        in.put(sequence);
                    }
                    in.flip();
                    inputs.put(input.name(), OnnxTensor.createTensor(env, in, shape));
                } else {
                    LongBuffer in = directLongs(rows);
                    for (String id : ids) {
                        in.put(model.itemIndex(id));
                    }
                    in.flip();
                    inputs.put(input.name(), OnnxTensor.createTensor(env, in, shape));
                }
            }
            try (OrtSession.Result result = model.session().run(inputs)) {
                float[] positive = positiveScores(model, result, rows);
                @SuppressWarnings("unchecked")
                Map.Entry<String, Double>[] scores = new Map.Entry[rows];
                for (int row = 0; row < rows; row++) {
                    scores[row] = Map.entry(ids.get(row), (double) positive[row]);
                }
                return Map.ofEntries(scores);
            }
        } catch (OrtException e) {
            throw new RialtoException("scoring " + rows + " items with model " + model.id() + " failed", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            if (dense != null) {
                giveBack(dense);
            }
        }
    }

    /**
     * The user's last {@code width} item events as vocabulary integers, oldest first, left-padded; the history
     * arrives newest first.
     */
    static long[] sequence(LoadedModel model, List<Event> history, int width) {
        long[] out = new long[width];
        java.util.Arrays.fill(out, model.card().vocabulary().padding());
        int at = width;
        String previous = null;
        for (Event e : history) {
            if (at == 0) {
                break;
            }
            if (e.itemId() == null || !SEQUENCE_EVENTS.contains(e.type())) {
                continue;
            }
            // Newest first: a repeat of the item just placed (older in time) is the same step.
            if (e.itemId().equals(previous)) {
                continue;
            }
            out[--at] = model.itemIndex(e.itemId());
            previous = e.itemId();
        }
        return out;
    }

    private static LongBuffer directLongs(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * The ids without nulls and repeats, first occurrence first; the list itself when it has neither (the usual
     * case). An open-addressing table of the ids: no per-id node as in a LinkedHashSet.
     */
    static List<String> distinct(List<String> ids) {
        int n = ids.size();
        String[] table = new String[Integer.highestOneBit(Math.max(2, n) * 2) << 1];
        int mask = table.length - 1;
        int shift = 32 - Integer.numberOfTrailingZeros(table.length);
        List<String> kept = null;
        for (int i = 0; i < n; i++) {
            String id = ids.get(i);
            boolean repeat = id == null;
            if (!repeat) {
                int slot = (id.hashCode() * 0x9E3779B9) >>> shift;
                while (table[slot] != null && !(repeat = table[slot].equals(id))) {
                    slot = slot + 1 & mask;
                }
                if (!repeat) {
                    table[slot] = id;
                }
            }
            if (repeat && kept == null) {
                kept = new ArrayList<>(ids.subList(0, i));
            } else if (!repeat && kept != null) {
                kept.add(id);
            }
        }
        return kept == null ? ids : kept;
    }

    /** Rebuilds the catalogue statistics from the store now, on the calling thread. */
    public void refreshSnapshot() {
        synchronized (shared.buildLock) {
            long started = System.nanoTime();
            shared.storeChanged.set(false); // before reading: a change during the pass raises it again
            Map<String, Item> catalogue = new HashMap<>();
            items.forEach(item -> catalogue.put(item.id(), item));
            BehaviourVectorReader reader = behaviour;
            // A scorer without a reader of its own keeps the vectors the shared snapshot was built with.
            BehaviourVectors vectors = reader == null ? shared.vectors : reader.published().orElse(null);
            FeatureSnapshot built = extractor.snapshot(catalogue, new StoreEvents(events), vectors);
            shared.snapshot.set(built);
            shared.vectors = vectors;
            profiles.clear(); // computed against the previous snapshot: none can be served any more
            shared.builtAt = System.nanoTime();
            shared.built = true;
            LOG.info("Feature snapshot rebuilt: {} items, {} events up to {}, behaviour vectors {}, in {} ms",
                    catalogue.size(), built.eventCount(), built.asOf(),
                    vectors == null ? "none" : vectors.model() + "@" + vectors.version(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * The periodic rebuild: a pass over the whole store only when the store or the published behaviour vectors
     * changed since the last one (or it is an hour old). A campaign reads, it does not write: without this the
     * pass ran every minute through a long run, on the same cores.
     * @return whether it rebuilt
     */
    public boolean refreshIfChanged() {
        BehaviourVectorReader reader = behaviour;
        String vectors = reader == null ? null : vectorsId(reader.published().orElse(null));
        synchronized (shared.buildLock) { // checked under the lock: the other scorer may have just built it
            boolean stale = !shared.built || System.nanoTime() - shared.builtAt > MAX_UNCHANGED_AGE_NANOS;
            // Without a reader this scorer has no say about the vectors (else two scorers would undo each other).
            boolean vectorsChanged = reader != null && !java.util.Objects.equals(vectors, vectorsId(shared.vectors));
            if (!shared.storeChanged.get() && !vectorsChanged && !stale) {
                return false;
            }
            refreshSnapshot();
            return true;
        }
    }

    private static String vectorsId(BehaviourVectors vectors) {
        return vectors == null ? null : vectors.model() + "@" + vectors.version();
    }

    @Override
    public void eventsStored(List<Event> stored) {
        shared.storeChanged.set(true);
        UserProfileCache cache = profiles;
        if (cache.enabled()) {
            boolean keep = profileUpdates && extractor instanceof EngineeredFeatureExtractor;
            // Batches are usually one user's run of events: each run reported at once.
            int from = 0;
            for (int i = 1; i <= stored.size(); i++) {
                if (i == stored.size() || !stored.get(i).userId().equals(stored.get(from).userId())) {
                    cache.eventsStored(stored.get(from).userId(), stored.subList(from, i), keep);
                    from = i;
                }
            }
        }
    }

    @Override
    public void itemsStored(List<Item> stored) {
        shared.storeChanged.set(true);
    }

    @Override
    public void userDeleted(UserData deleted) {
        shared.storeChanged.set(true);
        profiles.invalidate(deleted.userId());
    }

    /** Binds the published behaviour vectors (tests and non-OSGi callers; SCR sets the field). */
    public void setBehaviour(BehaviourVectorReader reader) {
        this.behaviour = reader;
    }

    /** The user-profile cache's hits and misses so far, and its entries and approximate bytes now. */
    public long[] profileCacheStats() {
        UserProfileCache cache = profiles;
        return new long[] {cache.hits.sum(), cache.misses.sum(), cache.size(), cache.bytes(), cache.updates.sum(),
            cache.updatesGivenUp.sum()};
    }

    /** The snapshot requests use now. */
    public FeatureSnapshot snapshot() {
        return shared.snapshot.get();
    }

    private void modelChanged(ModelInfo info) {
        if (!info.name().equals(modelName)) {
            return;
        }
        ScheduledExecutorService executor = refresher;
        if (executor != null) {
            try {
                executor.execute(this::refreshQuietly);
            } catch (RejectedExecutionException e) {
                LOG.debug("Scorer is stopping; no snapshot rebuild for model {}@{}", info.name(), info.version());
            }
        }
    }

    private void refreshIfChangedQuietly() {
        try {
            refreshIfChanged();
        } catch (RuntimeException e) {
            LOG.warn("Rebuilding the feature snapshot failed; the previous one stays in use", e);
        }
    }

    private void refreshQuietly() {
        try {
            refreshSnapshot();
        } catch (RuntimeException e) {
            LOG.warn("Rebuilding the feature snapshot failed; the previous one stays in use", e);
        }
    }

    private void apply(ScoringConfig config) {
        String name = config.model_name() == null ? "" : config.model_name().strip();
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("model.name must be a folder name, was '" + config.model_name() + "'");
        }
        if (config.history_limit() < 1) {
            throw new IllegalArgumentException("history.limit must be at least 1, was " + config.history_limit());
        }
        if (config.snapshot_refresh_seconds() < 0) {
            throw new IllegalArgumentException("snapshot.refresh.seconds must not be negative, was "
                    + config.snapshot_refresh_seconds());
        }
        if (config.profile_cache_mb() < 0) {
            throw new IllegalArgumentException("profile.cache.mb must not be negative, was "
                    + config.profile_cache_mb());
        }
        modelName = name;
        historyLimit = config.history_limit();
        long budget = config.profile_cache_mb() * 1024L * 1024L;
        if (budget != profiles.budgetBytes()) {
            profiles = new UserProfileCache(budget);
        } else {
            profiles.clear(); // the history length may have changed
        }
        refreshSeconds = config.snapshot_refresh_seconds();
        profileUpdates = config.profile_updates();
    }

    private void startRefreshing() {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rialto-feature-snapshot");
            thread.setDaemon(true);
            return thread;
        });
        if (refreshSeconds > 0) {
            refresher.scheduleWithFixedDelay(this::refreshIfChangedQuietly, 0, refreshSeconds, TimeUnit.SECONDS);
        } else {
            refresher.execute(this::refreshQuietly);
        }
    }

    private void stopRefreshing() {
        ScheduledExecutorService executor = refresher;
        refresher = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("The feature snapshot thread did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FloatBuffer borrow(int floats) {
        FloatBuffer buffer = buffers.poll();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(Math.max(floats, MIN_BUFFER_FLOATS) * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear();
        return buffer;
    }

    private void giveBack(FloatBuffer buffer) {
        if (buffers.size() < POOLED_BUFFERS) {
            buffers.offer(buffer);
        }
    }

    /** Streams the store's events through forEach (what the extractor uses) instead of loading them all. */
    private record StoreEvents(EventRepository repository) implements Iterable<Event> {
        @Override
        public void forEach(Consumer<? super Event> action) {
            repository.forEach(null, null, action::accept);
        }

        @Override
        public Iterator<Event> iterator() {
            List<Event> all = new ArrayList<>();
            repository.forEach(null, null, all::add);
            return all.iterator();
        }
    }
}
