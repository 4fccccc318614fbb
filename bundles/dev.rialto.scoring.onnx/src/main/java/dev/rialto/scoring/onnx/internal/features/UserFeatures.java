package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.scoring.FeatureSnapshot;

/**
 * The user's half of the features ({@link EngineeredFeatureExtractor#user}): the aggregates of one history against
 * one snapshot. Immutable once built, so one instance may serve any number of requests on any thread while that
 * snapshot is current and the user's history has not changed.
 */
public final class UserFeatures {
    final Snapshot snapshot;
    final EngineeredFeatureExtractor.UserProfile profile;
    /** The indexed layout's user_values and user_vector ({@link IndexedLayout}), computed on first use. */
    volatile float[] indexedValues;
    volatile float[] indexedVector;

    UserFeatures(Snapshot snapshot, EngineeredFeatureExtractor.UserProfile profile) {
        this.snapshot = snapshot;
        this.profile = profile;
    }

    /** The snapshot these aggregates were computed against. */
    public FeatureSnapshot snapshot() {
        return snapshot;
    }

    /** How many events of the history were aggregated. */
    public int events() {
        return profile.eventCount;
    }

    /** Whether these aggregates kept their history's window, so new events can update them. */
    public boolean updatable() {
        return profile.window != null;
    }

    /** A rough size in bytes, for a cache's memory budget. */
    public long approximateBytes() {
        // With the indexed layout's two vectors, which may be added after the estimate is taken.
        // The keys are at most the (top, path) pairs of the snapshot's categories.
        return 80 + profile.approximateBytes() + 16L * (1 + Math.max(snapshot.categories, snapshot.topCategories))
                + 4L * (snapshot.behaviour == null ? 1 : snapshot.behaviour.dimension);
    }
}
