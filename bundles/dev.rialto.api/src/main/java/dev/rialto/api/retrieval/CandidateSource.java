package dev.rialto.api.retrieval;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plug-in that proposes items. Register it as a service with the property
 * {@code rialto.provider=<name>}; the recommender fuses every registered source.
 */
@ConsumerType
public interface CandidateSource {

    /** The name shown in traces; equal to the service's {@code rialto.provider} property. */
    String name();

    /** At most {@code query.n()} candidates, best first, each passing {@code query.filter()}. */
    List<Candidate> candidates(CandidateQuery query);
}
