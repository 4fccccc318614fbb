package dev.rialto.embeddings.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** Hand-written configurations (DS would build them from the PID). */
final class TestConfigs {

    /** DJL's unpacked library lives here for the whole test JVM. */
    static final Path NATIVE = Path.of("target", "djl-native");

    private TestConfigs() {
    }

    static EmbeddingsConfig config(int maxTokens, int batchSize, int threads) {
        return new EmbeddingsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return EmbeddingsConfig.class;
            }

            @Override
            public int max_tokens() {
                return maxTokens;
            }

            @Override
            public int batch_size() {
                return batchSize;
            }

            @Override
            public int intra_op_threads() {
                return threads;
            }

            @Override
            public String native_dir() {
                return NATIVE.toString();
            }
        };
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
