package dev.rialto.api.recommend;

import org.osgi.annotation.versioning.ProviderType;

/** The recommendation façade: candidate sources, fusion, the interest scorer and filters in one call. */
@ProviderType
public interface Recommender {
    Recommendation recommend(RecommendationRequest request);

    /**
     * Answers several requests, in order. Callers with many users at once (a campaign's chunk of recipients) use
     * this so an implementation can share work between them; the default answers one by one.
     */
    default java.util.List<Recommendation> recommendAll(java.util.List<RecommendationRequest> requests) {
        java.util.List<Recommendation> answers = new java.util.ArrayList<>(requests.size());
        for (RecommendationRequest r : requests) {
            answers.add(recommend(r));
        }
        return answers;
    }
}
