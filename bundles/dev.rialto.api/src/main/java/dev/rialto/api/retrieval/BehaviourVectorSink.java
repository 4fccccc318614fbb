package dev.rialto.api.retrieval;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives behaviour embeddings from a trainer; the item index implements it, stores the item vectors in an HNSW
 * field and keeps the user vectors for the {@code behaviour} candidate source. Publications survive a restart.
 */
@ProviderType
public interface BehaviourVectorSink {

    /**
     * Replaces the current behaviour vectors with these. Returns once they are searchable.
     *
     * @throws dev.rialto.api.common.RialtoException when they cannot be stored
     */
    void publish(BehaviourVectors vectors);

    /** The model and version of the vectors in use, if any were published. */
    Optional<String> current();
}
