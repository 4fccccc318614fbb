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

    /**
     * Whether the list depends on the user. A source whose list depends only on the filter and n (overall
     * popularity, trending) answers false: a caller serving many users at once (a campaign's chunk of recipients)
     * may then ask it once, without the user's exclusions, and reuse the list for each of them.
     */
    default boolean personal() {
        return true;
    }
}
