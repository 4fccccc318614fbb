package dev.rialto.training.internal;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ranker's "indexed" ONNX graph (card {@code signature.layout} {@value #LAYOUT}, docs/model-card.md): a few
 * nodes in front of Tribuo's exported graph that assemble each candidate's feature row from item tables the scorer
 * builds once per catalogue snapshot, the user's small tables and the user-item cells, so a request passes item
 * numbers instead of a filled [N, F] matrix:
 * <pre>
 *   row = Concat(item_values[candidates], user_values[item_keys[candidates]],
 *                item_vectors[candidates] x user_vector, user_items)
 * </pre>
 * Every gathered value is the float the extractor fills (user_item_behaviour is the one computed by the graph, in
 * float32 where the extractor sums in double), so scores agree to about 1e-7.
 * <p>
 * The row's columns come in the layout's order ({@link #ROW}), not the model's: the trained graph's weight
 * matrices are re-ordered to match (rows of zeros for columns the model does not use), which is exact because its
 * input only reaches {@code Gemm} nodes, directly or through {@code Pow}. A graph of another shape gets a
 * {@code Gather} that re-orders the row instead (correct, slower: ONNX Runtime gathers columns one by one).
 * <p>
 * The column lists are the contract with the scorer ({@code IndexedLayout} in dev.rialto.scoring.onnx); the card
 * repeats them and the registry refuses a card whose lists differ from what it fills.
 */
final class IndexedGraph {
    static final String LAYOUT = "indexed/1";
    static final String PREFIX = "rialto_";
    /** Model metadata: the initializers whose rows {@link #wrap} put in the row's order (for {@link #unwrap}). */
    static final String REORDERED = "rialto.indexed.reordered";

    static final String CANDIDATES = "candidates";
    static final String ITEM_VALUES = "item_values";
    static final String ITEM_KEYS = "item_keys";
    static final String ITEM_VECTORS = "item_vectors";
    static final String USER_VALUES = "user_values";
    static final String USER_VECTOR = "user_vector";
    static final String USER_ITEMS = "user_items";

    /** item_values columns: the item-only features. */
    static final List<String> ITEM_VALUE_COLUMNS = List.of("item_popularity", "item_recent_popularity",
            "category_popularity", "item_price_log", "item_available", "item_known", "item_repeat_rate");
    /** user_values columns: per category key (item_keys), the user's shares; activity on every row. */
    static final List<String> USER_VALUE_COLUMNS = List.of("user_category_affinity", "user_subcategory_affinity",
            "user_recency_category", "user_activity");
    /** user_items columns: what the user did with each candidate (0 when nothing), and the price fit. */
    static final List<String> USER_ITEM_COLUMNS = List.of("user_item_affinity", "user_item_purchased",
            "user_item_recency", "user_item_purchase_days", "user_item_decayed_affinity", "user_item_repeat",
            "user_price_fit");

    /** The assembled row's columns, in the order of the concatenation. */
    static final List<String> ROW;

    static {
        List<String> all = new ArrayList<>(ITEM_VALUE_COLUMNS);
        all.addAll(USER_VALUE_COLUMNS);
        all.add("user_item_behaviour");
        all.addAll(USER_ITEM_COLUMNS);
        ROW = List.copyOf(all);
    }

    /** Features the layout can assemble. */
    static final Set<String> SUPPORTED = Set.copyOf(ROW);

    private IndexedGraph() {
    }

    /** Whether every feature can be assembled by this layout. */
    static boolean supports(List<String> features) {
        return !features.isEmpty() && SUPPORTED.containsAll(features) && Set.copyOf(features).size() == features.size();
    }

    /**
     * Tribuo's exported graph with the assembling nodes in front of it.
     *
     * @param plain     the exported model: one float input {@code inputName} [-1, F]
     * @param features  its F columns, in order
     */
    static byte[] wrap(byte[] plain, String inputName, List<String> features) {
        return wrap(plain, inputName, features, true);
    }

    /** @param reorderWeights false: always re-order the row with a Gather (tests of that path) */
    static byte[] wrap(byte[] plain, String inputName, List<String> features, boolean reorderWeights) {
        if (!supports(features)) {
            throw new IllegalArgumentException("the indexed layout cannot assemble " + features);
        }
        OnnxMl.ModelProto model = parse(plain);
        OnnxMl.GraphProto graph = model.getGraph();
        if (graph.getInputCount() != 1 || !graph.getInput(0).getName().equals(inputName)) {
            throw new IllegalArgumentException("expected one graph input '" + inputName + "', the graph has "
                    + graph.getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
        }
        Set<String> used = new HashSet<>();
        graph.getNodeList().forEach(n -> {
            used.addAll(n.getInputList());
            used.addAll(n.getOutputList());
        });
        graph.getInitializerList().forEach(t -> used.add(t.getName()));
        for (String name : List.of(CANDIDATES, ITEM_VALUES, ITEM_KEYS, ITEM_VECTORS, USER_VALUES, USER_VECTOR,
                USER_ITEMS)) {
            if (used.contains(name)) {
                throw new IllegalArgumentException("the exported graph already uses the name '" + name + "'");
            }
        }
        Set<String> rowAligned = reorderWeights ? rowAlignedWeights(graph, inputName, features.size()) : null;
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearInput().clearNode();
        out.addInput(input(CANDIDATES, OnnxMl.TensorProto.DataType.INT64, -1));
        out.addInput(input(ITEM_VALUES, OnnxMl.TensorProto.DataType.FLOAT, -1, ITEM_VALUE_COLUMNS.size()));
        out.addInput(input(ITEM_KEYS, OnnxMl.TensorProto.DataType.INT64, -1));
        out.addInput(input(ITEM_VECTORS, OnnxMl.TensorProto.DataType.FLOAT, -1, -1));
        out.addInput(input(USER_VALUES, OnnxMl.TensorProto.DataType.FLOAT, -1, USER_VALUE_COLUMNS.size()));
        out.addInput(input(USER_VECTOR, OnnxMl.TensorProto.DataType.FLOAT, -1, 1));
        out.addInput(input(USER_ITEMS, OnnxMl.TensorProto.DataType.FLOAT, -1, USER_ITEM_COLUMNS.size()));

        String p = PREFIX;
        out.addNode(gather("item", ITEM_VALUES, CANDIDATES));
        out.addNode(gather("key", ITEM_KEYS, CANDIDATES));
        out.addNode(gather("user", USER_VALUES, p + "key"));
        out.addNode(gather("vector", ITEM_VECTORS, CANDIDATES));
        out.addNode(node("MatMul", "behaviour", p + "vector", USER_VECTOR));
        String row = rowAligned == null ? p + "row" : inputName;
        out.addNode(OnnxMl.NodeProto.newBuilder().setName(p + "row").setOpType("Concat").addInput(p + "item")
                .addInput(p + "user").addInput(p + "behaviour").addInput(USER_ITEMS).addOutput(row)
                .addAttribute(intAttribute("axis", 1)).build());
        if (rowAligned == null) {
            // The model's column order picked from the row (the trained graph's input, now computed).
            long[] order = new long[features.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = ROW.indexOf(features.get(i));
            }
            out.addInitializer(longs(p + "order", order));
            out.addNode(OnnxMl.NodeProto.newBuilder().setName(p + "ordered").setOpType("Gather").addInput(row)
                    .addInput(p + "order").addOutput(inputName).addAttribute(intAttribute("axis", 1)).build());
        } else {
            // The weights' rows in the row's order instead: row j of a new matrix is the model's row of ROW[j].
            for (int i = 0; i < out.getInitializerCount(); i++) {
                OnnxMl.TensorProto t = out.getInitializer(i);
                if (rowAligned.contains(t.getName())) {
                    out.setInitializer(i, reorderRows(t, features));
                }
            }
        }
        out.addAllNode(graph.getNodeList());
        OnnxMl.ModelProto.Builder wrapped = model.toBuilder().setGraph(out);
        if (rowAligned != null) {
            wrapped.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(REORDERED)
                    .setValue(String.join(",", new java.util.TreeSet<>(rowAligned))));
        }
        return wrapped.build().toByteArray();
    }

    /**
     * The initializers whose rows are the input's columns, when re-ordering them is the same as re-ordering the
     * input: the input (directly, or through Pow by a scalar) reaches only the A side of Gemm nodes whose B is such
     * an initializer (or Pow of one by a scalar), and those initializers feed nothing else. Null when the graph is
     * of any other shape.
     */
    private static Set<String> rowAlignedWeights(OnnxMl.GraphProto graph, String inputName, int width) {
        Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, List<OnnxMl.NodeProto>> consumers = new LinkedHashMap<>();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Set<String> inputSide = new HashSet<>(); // the input and Pow(input, scalar)
        inputSide.add(inputName);
        for (OnnxMl.NodeProto n : consumers.getOrDefault(inputName, List.of())) {
            if (isScalarPow(n, inputName, initializers)) {
                inputSide.add(n.getOutput(0));
            } else if (!isPlainGemmA(n, inputName)) {
                return null;
            }
        }
        Set<String> weights = new HashSet<>();
        Map<String, String> powOfWeight = new LinkedHashMap<>(); // Pow(weight, scalar) output -> weight
        for (String side : inputSide) {
            for (OnnxMl.NodeProto n : consumers.getOrDefault(side, List.of())) {
                if (side.equals(inputName) && isScalarPow(n, inputName, initializers)) {
                    continue;
                }
                if (!isPlainGemmA(n, side)) {
                    return null;
                }
                String b = n.getInput(1);
                if (initializers.containsKey(b)) {
                    weights.add(b);
                } else {
                    OnnxMl.NodeProto pow = graph.getNodeList().stream().filter(x -> x.getOutputList().contains(b))
                            .findFirst().orElse(null);
                    if (pow == null || !isScalarPow(pow, pow.getInput(0), initializers)
                            || !initializers.containsKey(pow.getInput(0))) {
                        return null;
                    }
                    powOfWeight.put(b, pow.getInput(0));
                    weights.add(pow.getInput(0));
                }
            }
        }
        for (String w : weights) {
            OnnxMl.TensorProto t = initializers.get(w);
            if (t.getDimsCount() != 2 || t.getDims(0) != width
                    || t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                return null;
            }
            for (OnnxMl.NodeProto n : consumers.getOrDefault(w, List.of())) {
                boolean asB = n.getOpType().equals("Gemm") && n.getInputCount() >= 2 && n.getInput(1).equals(w)
                        && inputSide.contains(n.getInput(0));
                boolean asPow = isScalarPow(n, w, initializers) && consumers.getOrDefault(n.getOutput(0), List.of())
                        .stream().allMatch(c -> c.getOpType().equals("Gemm") && c.getInput(1).equals(n.getOutput(0))
                                && inputSide.contains(c.getInput(0)));
                if (!asB && !asPow) {
                    return null;
                }
            }
        }
        return weights.isEmpty() ? null : weights;
    }

    private static boolean isScalarPow(OnnxMl.NodeProto n, String base, Map<String, OnnxMl.TensorProto> inits) {
        return n.getOpType().equals("Pow") && n.getInputCount() == 2 && n.getInput(0).equals(base)
                && inits.containsKey(n.getInput(1)) && inits.get(n.getInput(1)).getDimsCount() == 0;
    }

    /** A Gemm taking {@code a} as its A, not transposed, with B not transposed either. */
    private static boolean isPlainGemmA(OnnxMl.NodeProto n, String a) {
        if (!n.getOpType().equals("Gemm") || n.getInputCount() < 2 || !n.getInput(0).equals(a)
                || n.getInput(1).equals(a)) {
            return false;
        }
        for (OnnxMl.AttributeProto attribute : n.getAttributeList()) {
            if ((attribute.getName().equals("transA") || attribute.getName().equals("transB")) && attribute.getI() != 0) {
                return false;
            }
        }
        return true;
    }

    /** The matrix with row j = its row of feature ROW[j], zeros for a column the model does not use. */
    private static OnnxMl.TensorProto reorderRows(OnnxMl.TensorProto t, List<String> features) {
        int columns = (int) t.getDims(1);
        float[] values = new float[features.size() * columns];
        if (t.getFloatDataCount() > 0) {
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
        } else {
            java.nio.ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                values[i] = raw.getFloat();
            }
        }
        OnnxMl.TensorProto.Builder out = t.toBuilder().clearFloatData().clearRawData().clearDims()
                .addDims(ROW.size()).addDims(columns);
        for (String column : ROW) {
            int from = features.indexOf(column);
            for (int c = 0; c < columns; c++) {
                out.addFloatData(from < 0 ? 0f : values[from * columns + c]);
            }
        }
        return out.build();
    }

    /**
     * The trained graph inside an indexed one as a plain graph again ({@code inputName} [-1, F], columns in the
     * card's feature order): what the trainer scores dense rows with when the live model is an indexed one. Weights
     * re-ordered by {@link #wrap} are put back in the features' order.
     */
    static byte[] unwrap(byte[] indexed, String inputName, List<String> features) {
        OnnxMl.ModelProto model = parse(indexed);
        OnnxMl.GraphProto graph = model.getGraph();
        if (graph.getNodeList().stream().noneMatch(n -> n.getName().startsWith(PREFIX))) {
            throw new IllegalArgumentException("the graph has no indexed-layout nodes to remove");
        }
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearInput().clearNode().clearInitializer();
        out.addInput(input(inputName, OnnxMl.TensorProto.DataType.FLOAT, -1, features.size()));
        graph.getNodeList().stream().filter(n -> !n.getName().startsWith(PREFIX)).forEach(out::addNode);
        Set<String> weights = new HashSet<>();
        model.getMetadataPropsList().stream().filter(e -> e.getKey().equals(REORDERED)).forEach(e -> {
            for (String name : e.getValue().split(",")) {
                if (!name.isBlank()) {
                    weights.add(name);
                }
            }
        });
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (t.getName().startsWith(PREFIX)) {
                continue;
            }
            if (!weights.contains(t.getName())) {
                out.addInitializer(t);
                continue;
            }
            int columns = (int) t.getDims(1);
            OnnxMl.TensorProto.Builder back = t.toBuilder().clearFloatData().clearDims().addDims(features.size())
                    .addDims(columns);
            for (String feature : features) {
                int from = ROW.indexOf(feature);
                for (int c = 0; c < columns; c++) {
                    back.addFloatData(t.getFloatData(from * columns + c));
                }
            }
            out.addInitializer(back);
        }
        return model.toBuilder().setGraph(out).build().toByteArray();
    }

    /** The card's signature.inputs for the indexed layout. */
    static List<Map<String, Object>> cardInputs() {
        List<Map<String, Object>> inputs = new ArrayList<>();
        inputs.add(cardInput(CANDIDATES, "int64", List.of(-1), "candidate_index", null));
        inputs.add(cardInput(ITEM_VALUES, "float32", List.of(-1, ITEM_VALUE_COLUMNS.size()), "item_values",
                ITEM_VALUE_COLUMNS));
        inputs.add(cardInput(ITEM_KEYS, "int64", List.of(-1), "item_keys", null));
        inputs.add(cardInput(ITEM_VECTORS, "float32", List.of(-1, -1), "item_vectors", null));
        inputs.add(cardInput(USER_VALUES, "float32", List.of(-1, USER_VALUE_COLUMNS.size()), "user_values",
                USER_VALUE_COLUMNS));
        inputs.add(cardInput(USER_VECTOR, "float32", List.of(-1, 1), "user_vector", null));
        inputs.add(cardInput(USER_ITEMS, "float32", List.of(-1, USER_ITEM_COLUMNS.size()), "user_items",
                USER_ITEM_COLUMNS));
        return inputs;
    }

    private static Map<String, Object> cardInput(String name, String type, List<Integer> shape, String feature,
            List<String> columns) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("name", name);
        in.put("type", type);
        in.put("shape", shape);
        in.put("feature", feature);
        if (columns != null) {
            in.put("columns", columns);
        }
        return in;
    }

    private static OnnxMl.ModelProto parse(byte[] bytes) {
        try {
            return OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    private static OnnxMl.ValueInfoProto input(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        int unnamed = 0;
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_" + unnamed++)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private static OnnxMl.TensorProto longs(String name, long... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    private static OnnxMl.NodeProto gather(String output, String data, String indices) {
        return OnnxMl.NodeProto.newBuilder().setName(PREFIX + output).setOpType("Gather").addInput(data)
                .addInput(indices).addOutput(PREFIX + output).addAttribute(intAttribute("axis", 0)).build();
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName(PREFIX + output).setOpType(op)
                .addOutput(PREFIX + output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }
}
