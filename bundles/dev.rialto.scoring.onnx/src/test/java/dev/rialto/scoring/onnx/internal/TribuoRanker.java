package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.FeatureSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a real Tribuo logistic regression on the extractor's features and writes it as the trainer would:
 * ONNX plus card, into a dot-folder renamed to its version. Column order and the positive index come from the
 * model's own maps, never from assumptions.
 */
public final class TribuoRanker {
    public static final Label POSITIVE = new Label("interested");
    public static final Label NEGATIVE = new Label("not-interested");

    public final LinearSGDModel model;
    public final List<String> columns;
    public final int positiveIndex;
    public final int outputWidth;

    private TribuoRanker(LinearSGDModel model) {
        this.model = model;
        ImmutableFeatureMap features = model.getFeatureIDMap();
        List<String> names = new ArrayList<>();
        for (int id = 0; id < features.size(); id++) {
            names.add(features.get(id).getName());
        }
        this.columns = List.copyOf(names);
        this.positiveIndex = model.getOutputIDInfo().getID(POSITIVE);
        this.outputWidth = model.getOutputIDInfo().size();
    }

    /**
     * Label = the item is in the user's favourite category ({@code inverted}: it is not), rows from 20 random
     * items per user.
     */
    public static TribuoRanker train(World world, FeatureExtractor extractor, FeatureSnapshot snapshot,
            boolean inverted) {
        List<String> names = extractor.featureNames().stream().filter(f -> !f.startsWith("ad_")).toList();
        Random random = new Random(inverted ? 2 : 1);
        List<Example<Label>> rows = new ArrayList<>();
        for (String user : world.users) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                items.add(world.itemIds.get(random.nextInt(world.itemIds.size())));
            }
            float[][] values = features(extractor, snapshot, world.events.recentForUser(user, 200), items, names);
            for (int i = 0; i < items.size(); i++) {
                boolean liked = World.topCategoryOf(items.get(i)).equals(World.favourite(user)) != inverted;
                rows.add(example(liked ? POSITIVE : NEGATIVE, names, values[i]));
            }
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(
                new ListDataSource<>(rows, factory, new SimpleDataSourceProvenance("rialto-test", factory)));
        return new TribuoRanker((LinearSGDModel) new LogisticRegressionTrainer().train(data));
    }

    public static float[][] features(FeatureExtractor extractor, FeatureSnapshot snapshot, List<Event> history,
            List<String> items, List<String> names) {
        FloatBuffer out = FloatBuffer.allocate(items.size() * names.size());
        extractor.extract(snapshot, history, items, names, out);
        float[][] rows = new float[items.size()][names.size()];
        for (int r = 0; r < items.size(); r++) {
            for (int c = 0; c < names.size(); c++) {
                rows[r][c] = out.get(r * names.size() + c);
            }
        }
        return rows;
    }

    static Example<Label> example(Label label, List<String> names, float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return new ArrayExample<>(label, names.toArray(String[]::new), doubles);
    }

    /** Tribuo's own probability of the positive label for feature rows in {@code names} order. */
    public double[] predict(List<String> names, float[][] rows) {
        double[] scores = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            Prediction<Label> p = model.predict(example(NEGATIVE, names, rows[r]));
            scores[r] = p.getOutputScores().get(POSITIVE.getLabel()).getScore();
        }
        return scores;
    }

    /** The card of docs/model-card.md for this model. */
    public String card(String name, String version) {
        String features = columns.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", "));
        return """
                {
                  "name": "%s",
                  "version": "%s",
                  "createdAt": "2026-11-28T15:45:00.123Z",
                  "framework": "tribuo 4.3.2 LogisticRegression",
                  "signature": {
                    "inputs": [
                      {"name": "input", "type": "float32", "shape": [-1, %d],
                       "features": [%s]}
                    ],
                    "outputs": [
                      {"name": "output", "type": "float32", "shape": [-1, %d], "positiveIndex": %d}
                    ]
                  },
                  "training": {"from": "2026-01-01T00:00:00Z", "to": "2026-11-28T15:00:00Z",
                               "splitAt": "2026-11-20T00:00:00Z", "trainRows": 800, "testRows": 0, "events": 600},
                  "metrics": {"auc": 0.9, "logloss": 0.3},
                  "baselines": {"popularity.auc": 0.5}
                }
                """.formatted(name, version, columns.size(), features, outputWidth, positiveIndex);
    }

    /** Writes {@code <dir>/<name>/.tmp-<version>} and renames it to {@code <version>}, as writers must. */
    public Path write(Path modelsDir, String name, String version, UnaryOperator<String> editCard) {
        try {
            Path folder = Files.createDirectories(modelsDir.resolve(name));
            Path tmp = Files.createDirectories(folder.resolve(".tmp-" + version));
            model.saveONNXModel("dev.rialto.test", 1, tmp.resolve("model.onnx"));
            Files.writeString(tmp.resolve("model.json"), editCard.apply(card(name, version)), StandardCharsets.UTF_8);
            return Files.move(tmp, folder.resolve(version), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path write(Path modelsDir, String name, String version) {
        return write(modelsDir, name, version, UnaryOperator.identity());
    }
}
