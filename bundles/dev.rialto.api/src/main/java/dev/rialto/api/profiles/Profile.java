package dev.rialto.api.profiles;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.Map;

/**
 * A (pseudonymous) user profile.
 *
 * @param id         the user id events refer to
 * @param attributes free attributes (country, segment, ...); never secrets
 * @param created    when the profile was first stored
 * @param updated    when it last changed
 */
public record Profile(String id, Map<String, String> attributes, Instant created, Instant updated) {
    public Profile {
        id = Require.nonBlank(id, "id").strip();
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        Require.nonNull(created, "created");
        Require.nonNull(updated, "updated");
        if (updated.isBefore(created)) {
            throw new IllegalArgumentException("updated must not be before created");
        }
    }
}
