package dev.rialto.ads.internal.engine;

import dev.rialto.api.events.Event;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.scoring.InterestScorer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the engine needs from the rest of the server; every method copes with the service being absent (null,
 * empty) and must not throw.
 */
public interface Services {

    /** The profile, or null when unknown or the profile store is absent. */
    Profile profile(String userId);

    /** The user's recent events, newest first. */
    List<Event> recentEvents(String userId, int limit);

    /** The category of each known item. */
    Map<String, String> categories(Collection<String> itemIds);

    /** The ad model's scorer, or null. */
    InterestScorer scorer();

    /** Stores impression and click events (for training and reports); false when that is not possible now. */
    boolean record(Event event);

    /** No services: nothing personal is known, nothing is recorded as events. */
    Services NONE = new Services() {
        @Override
        public Profile profile(String userId) {
            return null;
        }

        @Override
        public List<Event> recentEvents(String userId, int limit) {
            return List.of();
        }

        @Override
        public Map<String, String> categories(Collection<String> itemIds) {
            return Map.of();
        }

        @Override
        public InterestScorer scorer() {
            return null;
        }

        @Override
        public boolean record(Event event) {
            return false;
        }
    };
}
