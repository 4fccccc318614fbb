package dev.rialto.training.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * A ranker in ONNX Runtime, scored on rows in the extractor's column order: both the new model and the live one
 * are evaluated through it, so their numbers come from the same arithmetic as serving.
 */
final class OnnxModel implements AutoCloseable {
    private static final int BATCH = 8192;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final int positiveIndex;
    /** For each ONNX input column, the extractor column it is read from. */
    private final int[] columns;

    /**
     * @param onnx              the model's bytes
     * @param inputName         the card's input
     * @param cardFeatures      the card's features, in the ONNX column order
     * @param outputName        the card's output
     * @param positiveIndex     the output column of the positive class
     * @param extractorFeatures the column order of the rows that {@link #score} receives
     * @throws IllegalArgumentException when a feature is unknown or the graph does not match the card
     */
    OnnxModel(byte[] onnx, String inputName, List<String> cardFeatures, String outputName, int positiveIndex,
            List<String> extractorFeatures) {
        this.input = inputName;
        this.output = outputName;
        this.positiveIndex = positiveIndex;
        this.columns = new int[cardFeatures.size()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = extractorFeatures.indexOf(cardFeatures.get(c));
            if (columns[c] < 0) {
                throw new IllegalArgumentException("feature '" + cardFeatures.get(c)
                        + "' is unknown to the FeatureExtractor");
            }
        }
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            this.session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
        try {
            check(session.getInputInfo(), inputName, cardFeatures.size(), "input");
            NodeInfo out = session.getOutputInfo().get(outputName);
            if (out == null || !(out.getInfo() instanceof TensorInfo t) || t.getShape().length != 2
                    || positiveIndex < 0 || (t.getShape()[1] > 0 && positiveIndex >= t.getShape()[1])) {
                throw new IllegalArgumentException("the graph's output '" + outputName
                        + "' does not match the card (positiveIndex " + positiveIndex + ")");
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("cannot read the graph's signature: " + e.getMessage(), e);
        }
    }

    private static void check(Map<String, NodeInfo> infos, String name, int width, String what) {
        NodeInfo info = infos.get(name);
        if (info == null || !(info.getInfo() instanceof TensorInfo t) || t.getShape().length != 2
                || t.getShape()[1] != width) {
            throw new IllegalArgumentException("the graph's " + what + " '" + name + "' is not [-1, " + width
                    + "] as the card says; inputs " + infos.keySet());
        }
    }

    /** The positive-class probability of each row (rows in the extractor's column order). */
    double[] score(List<float[]> rows) {
        double[] out = new double[rows.size()];
        int f = columns.length;
        for (int from = 0; from < rows.size(); from += BATCH) {
            int n = Math.min(BATCH, rows.size() - from);
            FloatBuffer buffer = ByteBuffer.allocateDirect(n * f * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            for (int r = 0; r < n; r++) {
                float[] row = rows.get(from + r);
                for (int c : columns) {
                    buffer.put(row[c]);
                }
            }
            buffer.flip();
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {n, f});
                    OrtSession.Result result = session.run(Map.of(input, tensor))) {
                OnnxValue value = result.get(output).orElseThrow(
                        () -> new IllegalStateException("the model returned no output '" + output + "'"));
                float[][] p = (float[][]) value.getValue();
                for (int r = 0; r < n; r++) {
                    out[from + r] = p[r][positiveIndex];
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to score: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing is left to do with a session that cannot close.
        }
    }
}
