package dev.rialto.api.embeddings;

import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns texts into dense vectors of one model. Every vector has {@link #dimensions()} components and unit L2
 * length, so the dot product of two vectors is their cosine similarity (Lucene's {@code DOT_PRODUCT}).
 * Vectors of different models are not comparable.
 *
 * <p>Register one service per model with {@code rialto.provider=<model name>} and {@link #LANGUAGES} listing the
 * ISO 639-1 codes it serves (for example {@code zh}); consumers pick the embedder for an item's language with a
 * filter such as {@code (rialto.languages=zh)}. A consumer type: other bundles may add embedders. Implementations
 * are thread-safe.
 */
@ConsumerType
public interface TextEmbedder {

    /** Service property (String or String[]): the languages the model is meant for, lower-case ISO 639-1. */
    String LANGUAGES = "rialto.languages";

    /** The model's name, equal to the service's {@code rialto.provider}, for example {@code minilm}. */
    String model();

    /** The length of every vector. */
    int dimensions();

    /** The languages the model is meant for, lower-case ISO 639-1 codes. */
    Set<String> languages();

    /**
     * Embeds the texts, one unit-length vector per text in the same order; an empty list gives an empty array.
     * Texts longer than the model's token limit are truncated; a null or blank text gets the vector of an empty
     * text.
     *
     * @throws EmbeddingException when the model fails
     */
    float[][] embed(List<String> texts);

    /** Embeds one text; see {@link #embed(List)}. */
    default float[] embed(String text) {
        return embed(java.util.Collections.singletonList(text))[0];
    }
}
