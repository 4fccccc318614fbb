package dev.rialto.scoring.onnx.internal.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.rialto.api.events.Event;
import dev.rialto.api.retrieval.BehaviourFoldIn;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;
import dev.rialto.scoring.onnx.internal.World;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scorer folds a user in with the confidence published with the vectors, else the trainer's default. */
class BehaviourConfidenceTest {

    private static BehaviourVectors vectors(World world, FoldInConfidence confidence) {
        Random random = new Random(9);
        Map<String, float[]> items = new HashMap<>();
        for (String id : world.itemIds) {
            items.put(id, new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()});
        }
        return new BehaviourVectors("behaviour-ials", "1", 2, items, Map.of(), 0.1, World.NOW, confidence);
    }

    private static float behaviourFeature(World world, BehaviourVectors vectors, String user, String item) {
        EngineeredFeatureExtractor extractor = new EngineeredFeatureExtractor();
        var snapshot = extractor.snapshot(world.catalogue(), world.events.all(), vectors);
        FloatBuffer out = ByteBuffer.allocateDirect(Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        extractor.extract(snapshot, world.events.recentForUser(user, 1000), List.of(item),
                List.of("user_item_behaviour"), out);
        return out.get(0);
    }

    private static float expected(BehaviourVectors vectors, List<Event> history, String item, FoldInConfidence c) {
        Map<String, Double> weights = new HashMap<>();
        for (Event e : history) {
            weights.merge(e.itemId(), EngineeredFeatureExtractor.weight(e.type()), Double::sum);
        }
        Map<String, Double> confidences = new HashMap<>();
        weights.forEach((id, w) -> confidences.put(id, c.of(w)));
        float[] u = new BehaviourFoldIn(vectors).foldIn(confidences);
        float[] y = vectors.items().get(item);
        return (float) (u[0] * y[0] + (double) (u[1] * y[1]));
    }

    @Test
    void thePublishedConfidenceIsTheOneFoldedInWith() {
        World world = new World();
        String user = "user-3";
        String item = "toys-0-4";
        List<Event> history = world.events.recentForUser(user, 1000);
        FoldInConfidence published = new FoldInConfidence(FoldInConfidence.Form.LOG1P, 3);
        FoldInConfidence trainersDefault = new FoldInConfidence(FoldInConfidence.Form.LOG1P, Behaviour.ALPHA);

        float withPublished = behaviourFeature(world, vectors(world, published), user, item);
        float unpublished = behaviourFeature(world, vectors(world, null), user, item);
        assertEquals(expected(vectors(world, published), history, item, published), withPublished, 1e-5);
        assertEquals(expected(vectors(world, null), history, item, trainersDefault), unpublished, 1e-5);
        assertNotEquals(withPublished, unpublished);
    }
}
