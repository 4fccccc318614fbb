/**
 * Text embeddings: dense, L2-normalised vectors of short texts, one {@link dev.rialto.api.embeddings.TextEmbedder}
 * service per model.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.api.embeddings;
