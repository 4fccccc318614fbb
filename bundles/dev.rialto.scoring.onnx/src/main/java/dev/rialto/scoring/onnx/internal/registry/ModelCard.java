package dev.rialto.scoring.onnx.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code model.json} (docs/model-card.md). Read as a tree rather than bound to classes so that every
 * refusal names the exact field; fields the registry does not use ({@code training}, extra keys) are ignored.
 *
 * @param name          the model name (equals its folder's parent)
 * @param version       the version (equals its folder)
 * @param createdAt     when it was trained, or null when the card does not say
 * @param framework     free text, or null
 * @param inputName     the one input tensor
 * @param features      the input's columns, in order
 * @param outputName    the one output tensor
 * @param outputWidth   K, the output's second dimension
 * @param positiveIndex the output column that holds the score
 * @param metrics       held-out metrics
 * @param baselines     baselines' metrics on the same split
 * @param historyLimit  how many of a user's latest events the model's features saw in training
 *                      ({@code training.historyLimit}), or 0 when the card does not say
 * @param inputs        every input in the card's order: the dense one (when there is one) and the id inputs
 * @param vocabulary    how item ids map to the id inputs' integers, or null when the model has no id input
 * @param layout        {@code signature.layout}: null for inputs as listed, {@link IndexedLayout#LAYOUT} for a
 *                      graph that assembles its feature row ({@code features}) from the scorer's tables
 */
public record ModelCard(String name, String version, Instant createdAt, String framework, String inputName,
        List<String> features, String outputName, int outputWidth, int positiveIndex, Map<String, Double> metrics,
        Map<String, Double> baselines, int historyLimit, List<Input> inputs, Vocabulary vocabulary, String layout) {

    public static final String FLOAT32 = "float32";
    public static final String INT64 = "int64";
    /** An int64 input [-1, N]: the user's last N item ids (oldest first, left-padded), the same on every row. */
    public static final String HISTORY_ITEM_IDS = "history_item_ids";
    /** An int64 input [-1, 1]: each row's candidate item id. */
    public static final String CANDIDATE_ITEM_ID = "candidate_item_id";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One input tensor of shape {@code [-1, width]} (the indexed layout's: {@code shape}).
     *
     * @param feature  for an id input, {@link #HISTORY_ITEM_IDS} or {@link #CANDIDATE_ITEM_ID}; for an input of
     *                 the indexed layout, one of {@link IndexedLayout#INPUTS}; null for the dense input, whose
     *                 columns are the card's {@code features}
     * @param shape    the dimensions, -1 for any length
     */
    public record Input(String name, String type, int width, String feature, List<Long> shape) {
        public Input(String name, String type, int width, String feature) {
            this(name, type, width, feature, List.of(-1L, (long) width));
        }

        public Input {
            shape = List.copyOf(shape);
        }

        public boolean dense() {
            return feature == null;
        }
    }

    /**
     * The item vocabulary of the id inputs: line i (0-based) of {@code file}, in the version folder, is the item
     * whose integer is {@code first + i}; {@code padding} fills short histories and {@code oov} stands for any item
     * not in the file.
     */
    public record Vocabulary(String file, long padding, long oov, long first) {
    }

    public ModelCard {
        features = List.copyOf(features);
        metrics = Map.copyOf(metrics);
        baselines = Map.copyOf(baselines);
        inputs = List.copyOf(inputs);
    }

    /** Whether the only input is the dense one (the engineered-feature ranker). */
    public boolean denseOnly() {
        return inputs.size() == 1 && inputs.get(0).dense();
    }

    /** Whether the graph assembles its features from the scorer's tables ({@link IndexedLayout}). */
    public boolean indexed() {
        return IndexedLayout.LAYOUT.equals(layout);
    }

    /** The input fed with this {@link IndexedLayout} feature. */
    public Input input(String feature) {
        for (Input input : inputs) {
            if (feature.equals(input.feature())) {
                return input;
            }
        }
        throw new IllegalArgumentException("the card has no input for " + feature);
    }

    /** Every input's feature names, for listings: the dense columns and the id inputs' features. */
    public List<String> allFeatures() {
        if (indexed()) {
            return features;
        }
        List<String> out = new ArrayList<>();
        for (Input input : inputs) {
            if (input.dense()) {
                out.addAll(features);
            } else {
                out.add(input.feature());
            }
        }
        return out;
    }

    /** Parses and checks the card on its own (shapes, counts, index); {@link #check} adds the folder and features. */
    public static ModelCard parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException("model.json", "is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidModelException("model.json", "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelException("model.json", "must hold a JSON object");
        }
        String name = text(root, "name", "name", true);
        String version = text(root, "version", "version", true);
        String created = text(root, "createdAt", "createdAt", false);
        Instant createdAt = null;
        if (created != null) {
            try {
                createdAt = Instant.parse(created);
            } catch (DateTimeParseException e) {
                throw new InvalidModelException("createdAt", "must be an ISO-8601 UTC instant, was '" + created + "'");
            }
        }
        String framework = text(root, "framework", "framework", false);

        JsonNode signature = object(root, "signature", "signature");
        String layout = text(signature, "layout", "signature.layout", false);
        if (layout != null && !layout.equals(IndexedLayout.LAYOUT)) {
            throw new InvalidModelException("signature.layout", "must be " + IndexedLayout.LAYOUT
                    + " or absent, was '" + layout + "'");
        }
        JsonNode inputNodes = array(signature, "inputs", "signature.inputs");
        if (inputNodes.isEmpty()) {
            throw new InvalidModelException("signature.inputs", "must hold at least one input");
        }
        List<Input> inputs = new ArrayList<>();
        String inputName = null;
        List<String> features = List.of();
        Set<String> names = new HashSet<>();
        Set<String> idFeatures = new HashSet<>();
        for (int n = 0; layout == null && n < inputNodes.size(); n++) {
            String in = "signature.inputs[" + n + "]";
            JsonNode input = inputNodes.get(n);
            String tensor = inputName(input, in, names);
            String type = text(input, "type", in + ".type", true);
            long width = batchShape(input, in + ".shape");
            if (FLOAT32.equals(type)) {
                if (inputName != null) {
                    throw new InvalidModelException(in, "only one float32 (dense features) input is allowed");
                }
                features = denseFeatures(input, in);
                if (width != features.size()) {
                    throw new InvalidModelException(in + ".shape", "must be [-1, " + features.size() + "] for "
                            + features.size() + " features, was " + input.get("shape"));
                }
                inputName = tensor;
                inputs.add(new Input(tensor, FLOAT32, (int) width, null));
            } else if (INT64.equals(type)) {
                String feature = text(input, "feature", in + ".feature", true);
                if (!feature.equals(HISTORY_ITEM_IDS) && !feature.equals(CANDIDATE_ITEM_ID)) {
                    throw new InvalidModelException(in + ".feature", "must be " + HISTORY_ITEM_IDS + " or "
                            + CANDIDATE_ITEM_ID + ", was '" + feature + "'");
                }
                if (!idFeatures.add(feature)) {
                    throw new InvalidModelException(in + ".feature", "'" + feature + "' feeds two inputs");
                }
                if (feature.equals(CANDIDATE_ITEM_ID) && width != 1) {
                    throw new InvalidModelException(in + ".shape", "must be [-1, 1] for " + CANDIDATE_ITEM_ID
                            + ", was " + input.get("shape"));
                }
                inputs.add(new Input(tensor, INT64, (int) width, feature));
            } else {
                throw new InvalidModelException(in + ".type", "must be float32 or int64, was '" + type + "'");
            }
        }
        if (!idFeatures.isEmpty() && !idFeatures.contains(CANDIDATE_ITEM_ID) && inputName == null) {
            throw new InvalidModelException("signature.inputs", "a model without dense features needs a "
                    + CANDIDATE_ITEM_ID + " input, or it cannot tell the candidates apart");
        }
        if (layout != null) {
            inputs = indexedInputs(inputNodes);
            features = denseFeatures(signature, "signature");
            for (int i = 0; i < features.size(); i++) {
                if (!IndexedLayout.FEATURES.contains(features.get(i))) {
                    throw new InvalidModelException("signature.features[" + i + "]", "'" + features.get(i)
                            + "' is not one the " + IndexedLayout.LAYOUT + " layout assembles; it assembles "
                            + IndexedLayout.FEATURES);
                }
            }
        }
        Vocabulary vocabulary = idFeatures.isEmpty() ? null : vocabulary(root);

        JsonNode outputs = array(signature, "outputs", "signature.outputs");
        if (outputs.size() != 1) {
            throw new InvalidModelException("signature.outputs", "must hold exactly one output, has " + outputs.size());
        }
        String out = "signature.outputs[0]";
        JsonNode output = outputs.get(0);
        if (!output.isObject()) {
            throw new InvalidModelException(out, "must be an object");
        }
        String outputName = text(output, "name", out + ".name", true);
        floatType(output, out);
        long k = batchShape(output, out + ".shape");
        JsonNode positive = output.get("positiveIndex");
        if (positive == null || !positive.canConvertToInt() || !positive.isIntegralNumber()) {
            throw new InvalidModelException(out + ".positiveIndex", "must be an integer");
        }
        int positiveIndex = positive.intValue();
        if (positiveIndex < 0 || positiveIndex >= k) {
            throw new InvalidModelException(out + ".positiveIndex", "must be in [0, " + k + ") for output shape "
                    + output.get("shape") + ", was " + positiveIndex);
        }
        JsonNode limit = root.path("training").path("historyLimit");
        int historyLimit = limit.isIntegralNumber() && limit.intValue() > 0 ? limit.intValue() : 0;
        return new ModelCard(name, version, createdAt, framework, inputName, features, outputName, (int) k,
                positiveIndex, numbers(root, "metrics"), numbers(root, "baselines"), historyLimit, inputs, vocabulary,
                layout);
    }

    /**
     * The inputs of the indexed layout: each of {@link IndexedLayout#INPUTS} exactly once, with the layout's type,
     * shape and (for the tables) columns; any other input is refused.
     */
    private static List<Input> indexedInputs(JsonNode inputNodes) {
        List<Input> inputs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < inputNodes.size(); n++) {
            String in = "signature.inputs[" + n + "]";
            JsonNode input = inputNodes.get(n);
            String tensor = inputName(input, in, names);
            String feature = text(input, "feature", in + ".feature", true);
            int kind = IndexedLayout.INPUTS.indexOf(feature);
            if (kind < 0) {
                throw new InvalidModelException(in + ".feature", "must be one of " + IndexedLayout.INPUTS
                        + " in the " + IndexedLayout.LAYOUT + " layout, was '" + feature + "'");
            }
            if (!seen.add(feature)) {
                throw new InvalidModelException(in + ".feature", "'" + feature + "' feeds two inputs");
            }
            String type = text(input, "type", in + ".type", true);
            String expected = feature.equals(IndexedLayout.CANDIDATE_INDEX)
                    || feature.equals(IndexedLayout.ITEM_KEYS) ? INT64 : FLOAT32;
            if (!type.equals(expected)) {
                throw new InvalidModelException(in + ".type", "must be " + expected + " for " + feature + ", was '"
                        + type + "'");
            }
            List<Long> shape = new ArrayList<>();
            JsonNode dims = input.get("shape");
            if (dims != null && dims.isArray()) {
                dims.forEach(d -> shape.add(d.isIntegralNumber() ? d.longValue() : Long.MIN_VALUE));
            }
            List<Long> layoutShape = IndexedLayout.SHAPES.get(kind);
            if (!shape.equals(layoutShape)) {
                throw new InvalidModelException(in + ".shape", "must be " + layoutShape + " for " + feature
                        + ", was " + dims);
            }
            List<String> columns = switch (feature) {
                case IndexedLayout.ITEM_VALUES -> IndexedLayout.ITEM_VALUE_COLUMNS;
                case IndexedLayout.USER_VALUES -> IndexedLayout.USER_VALUE_COLUMNS;
                case IndexedLayout.USER_ITEMS -> IndexedLayout.USER_ITEM_COLUMNS;
                default -> null;
            };
            if (columns != null) {
                List<String> given = new ArrayList<>();
                JsonNode list = input.get("columns");
                if (list != null && list.isArray()) {
                    list.forEach(c -> given.add(c.asText()));
                }
                if (!given.equals(columns)) {
                    throw new InvalidModelException(in + ".columns", "must be " + columns + " (what the scorer fills),"
                            + " was " + list);
                }
            }
            long last = layoutShape.get(layoutShape.size() - 1);
            inputs.add(new Input(tensor, type, layoutShape.size() == 1 ? 0 : (int) last, feature, layoutShape));
        }
        if (!seen.containsAll(IndexedLayout.INPUTS)) {
            List<String> missing = new ArrayList<>(IndexedLayout.INPUTS);
            missing.removeAll(seen);
            throw new InvalidModelException("signature.inputs", "the " + IndexedLayout.LAYOUT + " layout needs an"
                    + " input for each of " + missing);
        }
        return inputs;
    }

    /** The input's tensor name, checked to be an object with a name no other input uses. */
    private static String inputName(JsonNode input, String in, Set<String> names) {
        if (!input.isObject()) {
            throw new InvalidModelException(in, "must be an object");
        }
        String tensor = text(input, "name", in + ".name", true);
        if (!names.add(tensor)) {
            throw new InvalidModelException(in + ".name", "'" + tensor + "' is used by two inputs");
        }
        return tensor;
    }

    private static List<String> denseFeatures(JsonNode input, String in) {
        JsonNode featureNodes = array(input, "features", in + ".features");
        List<String> features = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < featureNodes.size(); i++) {
            JsonNode f = featureNodes.get(i);
            if (!f.isTextual() || f.asText().isBlank()) {
                throw new InvalidModelException(in + ".features[" + i + "]", "must be a feature name");
            }
            if (!seen.add(f.asText())) {
                throw new InvalidModelException(in + ".features[" + i + "]", "'" + f.asText() + "' is listed twice");
            }
            features.add(f.asText());
        }
        if (features.isEmpty()) {
            throw new InvalidModelException(in + ".features", "must name at least one feature");
        }
        return features;
    }

    private static Vocabulary vocabulary(JsonNode root) {
        JsonNode v = object(root, "vocabulary", "vocabulary");
        String file = text(v, "file", "vocabulary.file", true);
        if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
            throw new InvalidModelException("vocabulary.file", "must be a file name in the version folder, was '"
                    + file + "'");
        }
        long padding = integer(v, "padding", "vocabulary.padding");
        long oov = integer(v, "oov", "vocabulary.oov");
        long first = integer(v, "first", "vocabulary.first");
        if (padding < 0 || oov < 0 || padding == oov || first <= Math.max(padding, oov)) {
            throw new InvalidModelException("vocabulary", "needs 0 <= padding != oov < first, was padding=" + padding
                    + " oov=" + oov + " first=" + first);
        }
        return new Vocabulary(file, padding, oov, first);
    }

    private static long integer(JsonNode node, String key, String field) {
        JsonNode value = node.get(key);
        if (value == null || !value.isIntegralNumber()) {
            throw new InvalidModelException(field, value == null ? "is missing" : "must be an integer");
        }
        return value.longValue();
    }

    /** The rules that need context: the folder the card sits in and the features the extractor knows. */
    public void check(String folderName, String folderVersion, Collection<String> knownFeatures) {
        if (!name.equals(folderName)) {
            throw new InvalidModelException("name", "must equal the folder name '" + folderName + "', was '" + name + "'");
        }
        if (!version.equals(folderVersion)) {
            throw new InvalidModelException("version",
                    "must equal the folder name '" + folderVersion + "', was '" + version + "'");
        }
        Set<String> known = Set.copyOf(knownFeatures);
        for (int i = 0; i < features.size(); i++) {
            if (!known.contains(features.get(i))) {
                throw new InvalidModelException((indexed() ? "signature" : "signature.inputs[" + denseIndex() + "]")
                        + ".features[" + i + "]",
                        "'" + features.get(i) + "' is not a feature the FeatureExtractor knows");
            }
        }
    }

    private int denseIndex() {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).dense()) {
                return i;
            }
        }
        return 0;
    }

    private static String text(JsonNode node, String key, String field, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidModelException(field, "is missing");
            }
            return null;
        }
        if (!value.isTextual() || (required && value.asText().isBlank())) {
            throw new InvalidModelException(field, "must be a non-empty string");
        }
        return value.asText();
    }

    private static JsonNode object(JsonNode node, String key, String field) {
        JsonNode value = node.get(key);
        if (value == null || !value.isObject()) {
            throw new InvalidModelException(field, value == null ? "is missing" : "must be an object");
        }
        return value;
    }

    private static JsonNode array(JsonNode node, String key, String field) {
        JsonNode value = node.get(key);
        if (value == null || !value.isArray()) {
            throw new InvalidModelException(field, value == null ? "is missing" : "must be an array");
        }
        return value;
    }

    private static void floatType(JsonNode tensor, String field) {
        String type = text(tensor, "type", field + ".type", true);
        if (!FLOAT32.equals(type)) {
            throw new InvalidModelException(field + ".type", "must be float32, was '" + type + "'");
        }
    }

    /** Checks {@code [-1, N]} with N > 0 and returns N. */
    private static long batchShape(JsonNode tensor, String field) {
        JsonNode shape = tensor.get("shape");
        if (shape == null || !shape.isArray() || shape.size() != 2 || !shape.get(0).isIntegralNumber()
                || !shape.get(1).isIntegralNumber() || shape.get(0).longValue() != -1 || shape.get(1).longValue() < 1
                || shape.get(1).longValue() > Integer.MAX_VALUE) {
            throw new InvalidModelException(field, "must be [-1, N] with N > 0, was " + shape);
        }
        return shape.get(1).longValue();
    }

    private static Map<String, Double> numbers(JsonNode root, String key) {
        JsonNode node = root.get(key);
        Map<String, Double> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new InvalidModelException(key, "must be a flat map of numbers");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                throw new InvalidModelException(key + "." + e.getKey(), "must be a number");
            }
            values.put(e.getKey(), e.getValue().doubleValue());
        });
        return values;
    }
}
