package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ranker run hands each snapshot behaviour vectors fitted on that snapshot's own events (before T0 for the
 * training rows, before T for the test rows) when the extractor names {@code user_item_behaviour}, and draws
 * history negatives from the user's own earlier items when asked to.
 */
class BehaviourFeatureRunTest {
    @TempDir
    Path models;

    /** TasteExtractor plus user_item_behaviour (the vectors' dot product), recording what each snapshot got. */
    static final class Recording implements FeatureExtractor {
        final TasteExtractor taste = new TasteExtractor();
        final boolean behaviourFeature;
        final Map<FeatureSnapshot, BehaviourVectors> vectors = new IdentityHashMap<>();
        final Map<FeatureSnapshot, Instant> asOf = new IdentityHashMap<>();
        /** Per snapshot: (user, extracted ids) of every extract call. */
        final Map<FeatureSnapshot, List<Map.Entry<String, List<String>>>> calls = new IdentityHashMap<>();

        Recording(boolean behaviourFeature) {
            this.behaviourFeature = behaviourFeature;
        }

        @Override
        public List<String> featureNames() {
            List<String> names = new ArrayList<>(TasteExtractor.NAMES);
            if (behaviourFeature) {
                names.add(TrainingRun.BEHAVIOUR_FEATURE);
            }
            return names;
        }

        @Override
        public FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events) {
            return snapshot(items, events, null);
        }

        @Override
        public synchronized FeatureSnapshot snapshot(Map<String, Item> items, Iterable<Event> events,
                BehaviourVectors behaviour) {
            FeatureSnapshot s = taste.snapshot(items, events);
            vectors.put(s, behaviour);
            asOf.put(s, s.asOf());
            calls.put(s, new ArrayList<>());
            return s;
        }

        @Override
        public synchronized void extract(FeatureSnapshot snapshot, List<Event> history, List<String> itemIds,
                List<String> features, FloatBuffer out) {
            calls.get(snapshot).add(Map.entry(history.isEmpty() ? "" : history.get(0).userId(), List.copyOf(itemIds)));
            BehaviourVectors v = vectors.get(snapshot);
            float[] user = v == null || history.isEmpty() ? null : v.users().get(history.get(0).userId());
            for (String id : itemIds) {
                for (String f : features) {
                    if (f.equals(TrainingRun.BEHAVIOUR_FEATURE)) {
                        float[] item = v == null ? null : v.items().get(id);
                        float dot = 0;
                        for (int i = 0; user != null && item != null && i < user.length; i++) {
                            dot += user[i] * item[i];
                        }
                        out.put(dot);
                    } else {
                        taste.extract(snapshot, history, List.of(id), List.of(f), out);
                    }
                }
            }
        }
    }

    private static Map<String, Item> items(Synthetic data) {
        Map<String, Item> items = new LinkedHashMap<>();
        data.items.forEach(i -> items.put(i.id(), i));
        return items;
    }

    @Test
    void eachSnapshotGetsIalsFittedOnItsOwnEventsOnly() {
        Synthetic data = new Synthetic(150, 200, 6_000, 5);
        Recording extractor = new Recording(true);
        TrainingRun.Outcome outcome = new TrainingRun(new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 3,
                "ndcg@10", 100), extractor, items(data), data.events).run();
        assertTrue(outcome.onnxFeatures().contains(TrainingRun.BEHAVIOUR_FEATURE), outcome.onnxFeatures().toString());
        assertEquals(2, extractor.vectors.size(), "a training and a test snapshot");
        BehaviourVectors train = null;
        BehaviourVectors test = null;
        for (Map.Entry<FeatureSnapshot, BehaviourVectors> e : extractor.vectors.entrySet()) {
            assertNotNull(e.getValue(), "every snapshot has vectors");
            if (e.getValue().trainedAt().equals(outcome.cutoff())) {
                train = e.getValue();
            } else {
                test = e.getValue();
            }
        }
        assertNotNull(train);
        assertNotNull(test);
        assertEquals(outcome.splitAt(), test.trainedAt());
        // No vector looks past its snapshot: users first seen in [T0, T) have no training-time vector.
        Set<String> before = new HashSet<>();
        Set<String> beforeSplit = new HashSet<>();
        for (Event e : data.events) {
            if (e.timestamp().isBefore(outcome.cutoff())) {
                before.add(e.userId());
            }
            if (e.timestamp().isBefore(outcome.splitAt())) {
                beforeSplit.add(e.userId());
            }
        }
        assertTrue(before.containsAll(train.users().keySet()));
        assertTrue(beforeSplit.containsAll(test.users().keySet()));
        assertTrue(test.users().size() >= train.users().size());
        assertFalse(java.util.Arrays.equals(train.items().get("item-00000"), test.items().get("item-00000")),
                "two fits, not one");
    }

    @Test
    void withoutTheFeatureNoVectorsAreFittedForTheSnapshots() {
        Synthetic data = new Synthetic(150, 200, 6_000, 5);
        Recording extractor = new Recording(false);
        new TrainingRun(new Settings(models, "ranker", 1000, 4, 0.2, 12345L, 2, "ndcg@10", 100), extractor,
                items(data), data.events).run();
        assertEquals(2, extractor.vectors.size());
        extractor.vectors.values().forEach(v -> assertNull(v));
    }

    @Test
    void historyNegativesComeFromTheUsersOwnEarlierItems() {
        Synthetic data = new Synthetic(150, 200, 6_000, 5);
        Recording extractor = new Recording(false);
        Settings settings = new Settings(models, "ranker", 1000, 2, 0.2, 12345L, 2, "ndcg@10", 100, null,
                Settings.LOGISTIC, 8, 1.0);
        TrainingRun.Outcome outcome = new TrainingRun(settings, extractor, items(data), data.events).run();
        FeatureSnapshot train = extractor.asOf.entrySet().stream()
                .filter(e -> e.getValue().isBefore(outcome.cutoff())).findFirst().orElseThrow().getKey();
        Map<String, Set<String>> earlier = new LinkedHashMap<>();
        for (Event e : data.events) {
            if (e.timestamp().isBefore(outcome.cutoff())) {
                earlier.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(e.itemId());
            }
        }
        int own = 0;
        int rows = 0;
        for (Map.Entry<String, List<String>> call : extractor.calls.get(train)) {
            Set<String> mine = earlier.getOrDefault(call.getKey(), Set.of());
            // The first third of the ids are positives (2 negatives each); the rest are negatives.
            List<String> negatives = call.getValue().subList(call.getValue().size() / 3, call.getValue().size());
            for (String n : negatives) {
                own += mine.contains(n) ? 1 : 0;
                rows++;
            }
        }
        assertTrue(rows > 0);
        // Users with few earlier items get uniform negatives for the rest, so most but not all are their own.
        assertTrue(own > rows / 2, own + " of " + rows + " negatives from the users' own history");

        Recording uniform = new Recording(false);
        TrainingRun.Outcome plain = new TrainingRun(new Settings(models, "ranker", 1000, 2, 0.2, 12345L, 2,
                "ndcg@10", 100), uniform, items(data), data.events).run();
        assertEquals(outcome.trainRows(), plain.trainRows(), "the same number of rows either way");
    }

    @Test
    void theHistoryShareMustBeAShare() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Settings(models, "r", 1,
                1, 0.2, 1, 1, "auc", 10, null, Settings.LOGISTIC, 8, 1.5));
        assertTrue(e.getMessage().contains("negatives.history.share"), e.getMessage());
    }
}
