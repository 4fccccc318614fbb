package dev.rialto.api.privacy;

import dev.rialto.api.common.Require;
import dev.rialto.api.events.Event;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.profiles.Profile;
import java.util.List;

/**
 * Everything the store holds about one user.
 *
 * @param userId      the stored (pseudonymous) id
 * @param profile     the profile, or null when there is none
 * @param events      the user's events, oldest first
 * @param deadLetters rejected records that named the user (by the stored id)
 */
public record UserData(String userId, Profile profile, List<Event> events, List<DeadLetter> deadLetters) {
    public UserData {
        Require.nonBlank(userId, "userId");
        events = List.copyOf(Require.nonNull(events, "events"));
        deadLetters = List.copyOf(Require.nonNull(deadLetters, "deadLetters"));
    }

    /** Whether nothing is held. */
    public boolean isEmpty() {
        return profile == null && events.isEmpty() && deadLetters.isEmpty();
    }
}
