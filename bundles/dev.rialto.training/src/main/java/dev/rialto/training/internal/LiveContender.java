package dev.rialto.training.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the trainer needs to score the live model on its own split: the ONNX bytes and the card's signature
 * (feature order, input and output names, positive column, history length).
 */
record LiveContender(String version, byte[] onnx, String input, List<String> features, String output,
        int positiveIndex, int historyLimit) {

    /**
     * Reads the live version's card and ONNX file.
     *
     * @param defaultHistoryLimit used when the card has no {@code training.historyLimit}
     * @throws IllegalArgumentException naming the card field that cannot be used
     */
    static LiveContender of(ModelFolder.Live live, int defaultHistoryLimit) {
        Map<?, ?> card = live.card();
        Map<?, ?> signature = map(card.get("signature"), "signature");
        // An indexed graph is scored on dense rows through the trained graph inside it.
        boolean indexed = IndexedGraph.LAYOUT.equals(signature.get("layout"));
        Map<?, ?> in = indexed ? Map.of("name", "input", "type", "float32", "features",
                signature.get("features") == null ? List.of() : signature.get("features"))
                : single(signature.get("inputs"), "signature.inputs");
        Map<?, ?> out = single(signature.get("outputs"), "signature.outputs");
        if (!"float32".equals(in.get("type")) || !"float32".equals(out.get("type"))) {
            throw new IllegalArgumentException("signature: input and output must be float32");
        }
        String featuresField = indexed ? "signature.features" : "signature.inputs[0].features";
        if (!(in.get("features") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(featuresField + " is missing");
        }
        List<String> features = new ArrayList<>();
        for (Object f : list) {
            if (!(f instanceof String s)) {
                throw new IllegalArgumentException(featuresField + " holds a non-string");
            }
            features.add(s);
        }
        if (!(out.get("positiveIndex") instanceof Double p) || p < 0 || p != Math.rint(p)) {
            throw new IllegalArgumentException("signature.outputs[0].positiveIndex is missing or not an index");
        }
        int historyLimit = defaultHistoryLimit;
        if (card.get("training") instanceof Map<?, ?> t && t.get("historyLimit") instanceof Double h && h >= 1) {
            historyLimit = h.intValue();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(live.onnx());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + live.onnx(), e);
        }
        if (indexed) {
            bytes = IndexedGraph.unwrap(bytes, "input", features);
        }
        return new LiveContender(live.version(), bytes, string(in.get("name"), "signature.inputs[0].name"),
                List.copyOf(features), string(out.get("name"), "signature.outputs[0].name"), p.intValue(),
                historyLimit);
    }

    private static Map<?, ?> map(Object o, String field) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(field + " is missing");
    }

    private static Map<?, ?> single(Object o, String field) {
        if (o instanceof List<?> l && l.size() == 1) {
            return map(l.get(0), field + "[0]");
        }
        throw new IllegalArgumentException(field + " must hold exactly one entry");
    }

    private static String string(Object o, String field) {
        if (o instanceof String s && !s.isBlank()) {
            return s;
        }
        throw new IllegalArgumentException(field + " is missing");
    }
}
