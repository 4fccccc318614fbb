package dev.rialto.embeddings.internal;

import dev.rialto.api.embeddings.TextEmbedder;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The server's two text embedders (all-MiniLM-L6-v2 for en, bge-small-zh-v1.5 for zh) outside OSGi, with the
 * shipped defaults (256 tokens, batches of 32, one intra-op thread). In the embeddings bundle's package because the
 * components' configuration type is internal there.
 */
public final class BenchEmbedders {
    private BenchEmbedders() {
    }

    public static Function<String, TextEmbedder> load(Path nativeDir) {
        System.setProperty("OPT_OUT_TRACKING", "true");
        EmbeddingsConfig config = new EmbeddingsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return EmbeddingsConfig.class;
            }

            @Override
            public int max_tokens() {
                return 256;
            }

            @Override
            public int batch_size() {
                return 32;
            }

            @Override
            public int intra_op_threads() {
                return 1;
            }

            @Override
            public String native_dir() {
                return nativeDir.toString();
            }
        };
        TextEmbedder en = new MiniLmEmbedder(config);
        TextEmbedder zh = new BgeSmallZhEmbedder(config);
        return language -> switch (language) {
            case "en" -> en;
            case "zh" -> zh;
            default -> null;
        };
    }
}
