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
 * The ranker's "indexed" ONNX graph (card {@code signature.layout} {@value #LAYOUT}, docs/model-card.md): nodes
 * prepended to Tribuo's exported graph that assemble each candidate's feature row from item tables the scorer
 * builds once per catalogue snapshot, the user's small vectors and the user-item columns, so a request passes item
 * numbers instead of a filled [N, F] matrix. The row the trained graph sees is the one the extractor fills: the
 * item-only columns and the user's category shares and activity are gathered unchanged (the same float bits);
 * user_price_fit and user_item_behaviour are computed in float32 inside the graph (the extractor computes them in
 * double), so scores agree to about 1e-7.
 * <p>
 * The column lists below are the contract with the scorer ({@code IndexedLayout} in dev.rialto.scoring.onnx); the
 * card repeats them and the registry refuses a card whose columns differ from what it fills.
 */
final class IndexedGraph {
    static final String LAYOUT = "indexed/1";
    static final String PREFIX = "rialto_";

    static final String CANDIDATES = "candidates";
    static final String ITEM_VALUES = "item_values";
    static final String ITEM_KEYS = "item_keys";
    static final String ITEM_VECTORS = "item_vectors";
    static final String USER_VALUES = "user_values";
    static final String USER_VECTOR = "user_vector";
    static final String USER_ITEMS = "user_items";

    /** item_values columns: the item-only features, then ln(price) (0 when unknown) and whether it is known. */
    static final List<String> ITEM_VALUE_COLUMNS = List.of("item_popularity", "item_recent_popularity",
            "category_popularity", "item_price_log", "item_available", "item_known", "item_repeat_rate",
            "item_ln_price", "item_has_price");
    /** item_keys columns: positions in user_values that hold, for the row's item, these values. */
    static final List<String> ITEM_KEY_COLUMNS = List.of("user_category_affinity", "user_subcategory_affinity",
            "user_recency_category", "user_activity", "user_mean_ln_price", "user_has_price");
    /** user_items columns: what the user did with each candidate (0 when nothing). */
    static final List<String> USER_ITEM_COLUMNS = List.of("user_item_affinity", "user_item_purchased",
            "user_item_recency", "user_item_purchase_days", "user_item_decayed_affinity", "user_item_repeat");

    /** The assembled columns, in the order of the graph's concatenation. */
    private static final List<String> ASSEMBLED;

    static {
        List<String> all = new ArrayList<>(ITEM_VALUE_COLUMNS);
        all.addAll(ITEM_KEY_COLUMNS);
        all.add("user_price_fit");
        all.add("user_item_behaviour");
        all.addAll(USER_ITEM_COLUMNS);
        ASSEMBLED = List.copyOf(all);
    }

    /** Features the layout can assemble. */
    static final Set<String> SUPPORTED = Set.of("item_popularity", "item_recent_popularity", "category_popularity",
            "item_price_log", "item_available", "item_known", "item_repeat_rate", "user_category_affinity",
            "user_subcategory_affinity", "user_recency_category", "user_activity", "user_price_fit",
            "user_item_behaviour", "user_item_affinity", "user_item_purchased", "user_item_recency",
            "user_item_purchase_days", "user_item_decayed_affinity", "user_item_repeat");

    private IndexedGraph() {
    }

    /** Whether every feature can be assembled by this layout. */
    static boolean supports(List<String> features) {
        return !features.isEmpty() && SUPPORTED.containsAll(features);
    }

    /**
     * Tribuo's exported graph with the assembling nodes in front of it.
     *
     * @param plain     the exported model: one float input {@code inputName} [-1, F]
     * @param features  its F columns, in order
     */
    static byte[] wrap(byte[] plain, String inputName, List<String> features) {
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
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearInput().clearNode();
        out.addInput(input(CANDIDATES, OnnxMl.TensorProto.DataType.INT64, -1));
        out.addInput(input(ITEM_VALUES, OnnxMl.TensorProto.DataType.FLOAT, -1, ITEM_VALUE_COLUMNS.size()));
        out.addInput(input(ITEM_KEYS, OnnxMl.TensorProto.DataType.INT64, -1, ITEM_KEY_COLUMNS.size()));
        out.addInput(input(ITEM_VECTORS, OnnxMl.TensorProto.DataType.FLOAT, -1, -1));
        out.addInput(input(USER_VALUES, OnnxMl.TensorProto.DataType.FLOAT, -1));
        out.addInput(input(USER_VECTOR, OnnxMl.TensorProto.DataType.FLOAT, -1, 1));
        out.addInput(input(USER_ITEMS, OnnxMl.TensorProto.DataType.FLOAT, -1, USER_ITEM_COLUMNS.size()));

        out.addInitializer(longs(PREFIX + "col_ln", 7));
        out.addInitializer(longs(PREFIX + "col_has_price", 8));
        out.addInitializer(longs(PREFIX + "col_mean", 4));
        out.addInitializer(longs(PREFIX + "col_has_mean", 5));
        out.addInitializer(scalar(PREFIX + "one", 1f));
        out.addInitializer(scalar(PREFIX + "half", 0.5f));
        long[] order = new long[features.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = ASSEMBLED.indexOf(features.get(i));
        }
        out.addInitializer(longs(PREFIX + "order", order));

        String p = PREFIX;
        // The item's row of each table, the user's values at the item's positions.
        out.addNode(gather("iv", ITEM_VALUES, CANDIDATES, 0));
        out.addNode(gather("ik", ITEM_KEYS, CANDIDATES, 0));
        out.addNode(gather("uv", USER_VALUES, p + "ik", 0));
        // user_item_behaviour: the item's vector dot the user's.
        out.addNode(gather("vec", ITEM_VECTORS, CANDIDATES, 0));
        out.addNode(node("MatMul", "behaviour", p + "vec", USER_VECTOR));
        // user_price_fit: 1 / (1 + |ln price - the user's mean ln price|), 0.5 when either is unknown.
        out.addNode(gather("ln", p + "iv", p + "col_ln", 1));
        out.addNode(gather("has_price", p + "iv", p + "col_has_price", 1));
        out.addNode(gather("mean", p + "uv", p + "col_mean", 1));
        out.addNode(gather("has_mean", p + "uv", p + "col_has_mean", 1));
        out.addNode(node("Sub", "diff", p + "ln", p + "mean"));
        out.addNode(node("Abs", "distance", p + "diff"));
        out.addNode(node("Add", "denominator", p + "distance", p + "one"));
        out.addNode(node("Div", "fit", p + "one", p + "denominator"));
        out.addNode(node("Mul", "known", p + "has_price", p + "has_mean"));
        out.addNode(node("Mul", "known_fit", p + "known", p + "fit"));
        out.addNode(node("Sub", "unknown", p + "one", p + "known"));
        out.addNode(node("Mul", "unknown_fit", p + "unknown", p + "half"));
        out.addNode(node("Add", "price_fit", p + "known_fit", p + "unknown_fit"));
        out.addNode(OnnxMl.NodeProto.newBuilder().setName(p + "assembled").setOpType("Concat")
                .addInput(p + "iv").addInput(p + "uv").addInput(p + "price_fit").addInput(p + "behaviour")
                .addInput(USER_ITEMS).addOutput(p + "assembled")
                .addAttribute(intAttribute("axis", 1)).build());
        // The trained graph's own input, now computed: its columns in the model's order.
        out.addNode(OnnxMl.NodeProto.newBuilder().setName(p + "row").setOpType("Gather")
                .addInput(p + "assembled").addInput(p + "order").addOutput(inputName)
                .addAttribute(intAttribute("axis", 1)).build());
        out.addAllNode(graph.getNodeList());
        return model.toBuilder().setGraph(out).build().toByteArray();
    }

    /**
     * The trained graph inside an indexed one, with its plain input back ({@code inputName} [-1, F]): what the
     * trainer scores dense rows with when the live model is an indexed one.
     */
    static byte[] unwrap(byte[] indexed, String inputName, int width) {
        OnnxMl.ModelProto model = parse(indexed);
        OnnxMl.GraphProto graph = model.getGraph();
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearInput().clearNode().clearInitializer();
        out.addInput(input(inputName, OnnxMl.TensorProto.DataType.FLOAT, -1, width));
        graph.getNodeList().stream().filter(n -> !n.getName().startsWith(PREFIX)).forEach(out::addNode);
        graph.getInitializerList().stream().filter(t -> !t.getName().startsWith(PREFIX))
                .forEach(out::addInitializer);
        if (out.getNodeCount() == graph.getNodeCount()) {
            throw new IllegalArgumentException("the graph has no indexed-layout nodes to remove");
        }
        return model.toBuilder().setGraph(out).build().toByteArray();
    }

    /** The card's signature.inputs for the indexed layout. */
    static List<Map<String, Object>> cardInputs() {
        List<Map<String, Object>> inputs = new ArrayList<>();
        inputs.add(cardInput(CANDIDATES, "int64", List.of(-1), "candidate_index", null));
        inputs.add(cardInput(ITEM_VALUES, "float32", List.of(-1, ITEM_VALUE_COLUMNS.size()), "item_values",
                ITEM_VALUE_COLUMNS));
        inputs.add(cardInput(ITEM_KEYS, "int64", List.of(-1, ITEM_KEY_COLUMNS.size()), "item_keys",
                ITEM_KEY_COLUMNS));
        inputs.add(cardInput(ITEM_VECTORS, "float32", List.of(-1, -1), "item_vectors", null));
        inputs.add(cardInput(USER_VALUES, "float32", List.of(-1), "user_values", null));
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

    private static OnnxMl.TensorProto scalar(String name, float value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT
                .getNumber()).addFloatData(value).build();
    }

    private static OnnxMl.NodeProto gather(String output, String data, String indices, int axis) {
        return OnnxMl.NodeProto.newBuilder().setName(PREFIX + output).setOpType("Gather").addInput(data)
                .addInput(indices).addOutput(PREFIX + output).addAttribute(intAttribute("axis", axis)).build();
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
