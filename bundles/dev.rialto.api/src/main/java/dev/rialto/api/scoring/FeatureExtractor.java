package dev.rialto.api.scoring;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.retrieval.BehaviourVectors;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Computes the dense features of (user, item) pairs that rankers are trained on and served with. Training and
 * serving share this one service, so a model sees the same features in both.
 */
@ProviderType
public interface FeatureExtractor {

    /** Every feature name this extractor can compute. */
    List<String> featureNames();

    /**
     * Builds statistics from the given events. Pass only events before the cut-off that the features must not
     * look past (the training split time, or now).
     */
    FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events);

    /**
     * As {@link #snapshot(Map, Iterable)}, with behaviour vectors for the features computed from them. Pass
     * vectors fitted on no event after the cut-off (in training, iALS fitted on the same events; in serving,
     * the published ones). An extractor without such features ignores them, as this default does.
     *
     * @param behaviour the vectors, or null for none (those features are then 0)
     * @since 1.2
     */
    default FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events, BehaviourVectors behaviour) {
        return snapshot(items, events);
    }

    /**
     * Writes one row per item, one column per named feature in the given order, row-major, into {@code out}
     * starting at its position.
     *
     * @param history the user's events before the snapshot's cut-off, newest first; empty for an unknown user
     * @throws IllegalArgumentException when a feature name is unknown; the message names it
     */
    void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out);
}
