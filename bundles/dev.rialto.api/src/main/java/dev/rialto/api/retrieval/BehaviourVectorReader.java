package dev.rialto.api.retrieval;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads the behaviour vectors currently published to a {@link BehaviourVectorSink}, for consumers that compute
 * with them outside retrieval (the scorer's feature extractor: the dot product of a user's and an item's vector is
 * a ranker feature). The item index implements both.
 */
@ProviderType
public interface BehaviourVectorReader {

    /**
     * The vectors in use now, as published (users forgotten since then left out), or empty before any
     * publication. The returned record is shared: do not change its maps or arrays.
     */
    Optional<BehaviourVectors> published();
}
