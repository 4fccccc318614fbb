package dev.rialto.embeddings.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code dev.rialto.embeddings}, shared by every model of the bundle. */
@ObjectClassDefinition(name = "Rialto text embeddings",
        description = "ONNX text embedding models (all-MiniLM-L6-v2, bge-small-zh-v1.5)")
public @interface EmbeddingsConfig {

    String PID = "dev.rialto.embeddings";

    @AttributeDefinition(description = "Longer texts are truncated to this many tokens, special tokens included "
            + "(1 to 512)")
    int max_tokens() default 256;

    @AttributeDefinition(description = "Texts per ONNX run; longer lists are split")
    int batch_size() default 32;

    @AttributeDefinition(description = "ONNX Runtime intra-op threads per request; 1 is fastest on small machines")
    int intra_op_threads() default 1;

    @AttributeDefinition(description = "Where DJL unpacks its tokenizer library; empty = ${karaf.data}/rialto/embeddings")
    String native_dir() default "";
}
