package dev.rialto.api.profiles;

import dev.rialto.api.common.Require;
import java.time.Instant;
import java.util.Map;

/**
 * A (pseudonymous) user profile.
 *
 * @param id         the user id events refer to
 * @param attributes free attributes (country, segment, ...); never secrets
 * @param consent    what the user agreed to; {@link Consent#UNKNOWN} when the source did not say
 * @param created    when the profile was first stored
 * @param updated    when it last changed
 */
public record Profile(String id, Map<String, String> attributes, Consent consent, Instant created,
        Instant updated) {

    public Profile {
        consent = consent == null ? Consent.UNKNOWN : consent;
        id = Require.nonBlank(id, "id").strip();
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        Require.nonNull(created, "created");
        Require.nonNull(updated, "updated");
        if (updated.isBefore(created)) {
            throw new IllegalArgumentException("updated must not be before created");
        }
    }

    public Profile(String id, Map<String, String> attributes, Instant created, Instant updated) {
        this(id, attributes, Consent.UNKNOWN, created, updated);
    }
}
