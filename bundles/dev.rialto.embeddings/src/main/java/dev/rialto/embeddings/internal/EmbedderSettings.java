package dev.rialto.embeddings.internal;

import java.nio.file.Path;

/** Validated configuration. */
record EmbedderSettings(int maxTokens, int batchSize, int intraOpThreads, Path nativeRoot) {

    static EmbedderSettings of(EmbeddingsConfig config) {
        if (config.max_tokens() < 1 || config.max_tokens() > 512) {
            throw new IllegalArgumentException("max.tokens must be between 1 and 512 (the models' position limit), "
                    + "was " + config.max_tokens());
        }
        if (config.batch_size() < 1) {
            throw new IllegalArgumentException("batch.size must be at least 1, was " + config.batch_size());
        }
        if (config.intra_op_threads() < 0) {
            throw new IllegalArgumentException("intra.op.threads must be 0 (ORT default) or more, was "
                    + config.intra_op_threads());
        }
        return new EmbedderSettings(config.max_tokens(), config.batch_size(), config.intra_op_threads(),
                nativeRoot(config.native_dir()));
    }

    private static Path nativeRoot(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String data = System.getProperty("karaf.data");
        if (data != null && !data.isBlank()) {
            return Path.of(data, "rialto", "embeddings");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "rialto-embeddings");
    }

    OnnxTextEmbedder load(ModelSpec spec) {
        return new OnnxTextEmbedder(spec, maxTokens, batchSize, intraOpThreads, nativeRoot);
    }
}
