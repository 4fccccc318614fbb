package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The feature snapshot of one (extractor, item store, event store), shared by every scorer that builds from them:
 * the ranker's and the ad click model's scorers need the same catalogue statistics, and each used to pass over the
 * whole store for its own copy. Whichever scorer's refresh comes first builds; the other finds it current. Counted
 * references: the last scorer to release it drops it (a restarted bundle starts afresh).
 */
final class SharedSnapshot {

    private record Key(FeatureExtractor extractor, ItemRepository items, EventRepository events) {
    }

    private static final Map<Key, SharedSnapshot> SHARED = new HashMap<>();

    final AtomicReference<FeatureSnapshot> snapshot = new AtomicReference<>();
    /** Raised by the store's change feed; a periodic rebuild is skipped while it is down. */
    final AtomicBoolean storeChanged = new AtomicBoolean(true);
    final Object buildLock = new Object();
    /** The behaviour vectors and the time (nanoTime) of the last build; guarded by buildLock. */
    BehaviourVectors vectors;
    long builtAt;
    boolean built;
    private final Key key;
    private int references;

    private SharedSnapshot(Key key, FeatureSnapshot empty) {
        this.key = key;
        snapshot.set(empty);
    }

    /** The shared snapshot of these sources (usable at once: empty until the first build). */
    static SharedSnapshot acquire(FeatureExtractor extractor, ItemRepository items, EventRepository events) {
        Key key = new Key(extractor, items, events);
        synchronized (SHARED) {
            SharedSnapshot s = SHARED.get(key);
            if (s == null) {
                s = new SharedSnapshot(key, extractor.snapshot(Map.of(), java.util.List.of()));
                SHARED.put(key, s);
            }
            s.references++;
            return s;
        }
    }

    void release() {
        synchronized (SHARED) {
            if (--references <= 0) {
                SHARED.remove(key, this);
            }
        }
    }
}
