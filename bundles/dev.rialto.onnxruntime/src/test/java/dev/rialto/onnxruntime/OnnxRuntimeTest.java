package dev.rialto.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ORT API this bundle exports runs a model on this platform (classes from the compile classpath). */
class OnnxRuntimeTest {

    @Test
    void runsATinyModelFromADirectBuffer() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(TinyModel.sigmoid(), options)) {
                assertEquals("x", session.getInputNames().iterator().next());
                FloatBuffer in = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                in.put(new float[] {0f, 2f, -2f, 100f}).flip();
                try (OnnxTensor x = OnnxTensor.createTensor(env, in, new long[] {2, 2});
                        OrtSession.Result result = session.run(Map.of("x", x))) {
                    float[][] y = (float[][]) result.get(0).getValue();
                    assertArrayEquals(new float[] {0.5f, (float) (1 / (1 + Math.exp(-2)))}, y[0], 1e-6f);
                    assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), 1f}, y[1], 1e-6f);
                }
            }
        }
    }
}
