package dev.rialto.embeddings.internal;

import java.util.Set;

/**
 * One packaged embedding model: its resources inside this bundle (inlined from the langchain4j-embeddings jars),
 * its vector size and how token vectors are pooled into one.
 */
public record ModelSpec(String name, String onnxResource, String tokenizerResource, int dimensions, Pooling pooling,
        Set<String> languages) {

    /** How the model's {@code last_hidden_state} becomes one vector (before L2 normalisation). */
    public enum Pooling {
        /** Mean of the token vectors where the attention mask is 1 (sentence-transformers MiniLM). */
        MEAN,
        /** The first token's vector, [CLS] (BGE). */
        CLS
    }

    /** all-MiniLM-L6-v2, quantised: English, 384 dimensions, masked mean pooling. */
    public static final ModelSpec MINILM = new ModelSpec("minilm", "all-minilm-l6-v2-q.onnx",
            "all-minilm-l6-v2-q-tokenizer.json", 384, Pooling.MEAN, Set.of("en"));

    /** bge-small-zh-v1.5, quantised: Chinese, 512 dimensions, CLS pooling. */
    public static final ModelSpec BGE_SMALL_ZH = new ModelSpec("bge-small-zh", "bge-small-zh-v1.5-q.onnx",
            "bge-small-zh-v1.5-q-tokenizer.json", 512, Pooling.CLS, Set.of("zh"));

    public ModelSpec {
        languages = Set.copyOf(languages);
    }
}
