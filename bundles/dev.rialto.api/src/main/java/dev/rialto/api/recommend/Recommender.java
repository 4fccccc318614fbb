package dev.rialto.api.recommend;

import org.osgi.annotation.versioning.ProviderType;

/** The recommendation façade: candidate sources, fusion, the interest scorer and filters in one call. */
@ProviderType
public interface Recommender {
    Recommendation recommend(RecommendationRequest request);
}
