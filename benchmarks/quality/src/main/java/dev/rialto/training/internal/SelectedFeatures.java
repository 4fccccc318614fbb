package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An extractor that names all of another's features but some, so that one run of the benchmark can leave a
 * feature out (the trainer uses every name its extractor gives) and the same split shows what the feature adds.
 */
final class SelectedFeatures implements FeatureExtractor {
    private final FeatureExtractor delegate;
    private final List<String> names;

    SelectedFeatures(FeatureExtractor delegate, Set<String> excluded) {
        this.delegate = delegate;
        for (String name : excluded) {
            if (!delegate.featureNames().contains(name)) {
                throw new IllegalArgumentException("quality.exclude: unknown feature '" + name + "'; known: "
                        + delegate.featureNames());
            }
        }
        this.names = delegate.featureNames().stream().filter(n -> !excluded.contains(n)).toList();
    }

    @Override
    public List<String> featureNames() {
        return names;
    }

    @Override
    public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events) {
        return delegate.snapshot(items, events);
    }

    @Override
    public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events, BehaviourVectors behaviour) {
        return delegate.snapshot(items, events, behaviour);
    }

    @Override
    public void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out) {
        delegate.extract(snapshot, history, itemIds, features, out);
    }
}
