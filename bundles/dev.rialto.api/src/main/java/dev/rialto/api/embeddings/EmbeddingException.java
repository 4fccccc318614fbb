package dev.rialto.api.embeddings;

/** A text embedder could not compute vectors (model or tokenizer failure). */
public class EmbeddingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
