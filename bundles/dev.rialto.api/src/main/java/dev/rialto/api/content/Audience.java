package dev.rialto.api.content;

import dev.rialto.api.common.Require;
import dev.rialto.api.profiles.Consent;
import java.util.Map;

/**
 * Who the copy is for. The first name is personal data: the generator uses it only when
 * {@link #personalisationAllowed(boolean)} says so.
 *
 * @param segment   the audience segment, for example {@code young-gamers}, or null
 * @param firstName the recipient's first name, or null
 * @param consent   the recipient's consent; {@link Consent#UNKNOWN} when not known
 * @param traits    further traits that may steer the choice of facts (interests, ...); never secrets
 */
public record Audience(String segment, String firstName, Consent consent, Map<String, String> traits) {

    public static final Audience ANYONE = new Audience(null, null, Consent.UNKNOWN, Map.of());

    public static final int MAX_FIRST_NAME_LENGTH = 64;

    public Audience {
        segment = Require.optional(segment);
        firstName = Require.optional(firstName);
        if (firstName != null && firstName.codePointCount(0, firstName.length()) > MAX_FIRST_NAME_LENGTH) {
            throw new IllegalArgumentException("audience.firstName must be at most " + MAX_FIRST_NAME_LENGTH
                    + " characters");
        }
        consent = consent == null ? Consent.UNKNOWN : consent;
        traits = traits == null ? Map.of() : Map.copyOf(traits);
    }

    /** Whether the recipient's consent allows personalised content, given the policy for an unknown answer. */
    public boolean personalisationAllowed(boolean whenUnknown) {
        return Consent.allows(consent.personalisation(), whenUnknown);
    }

    /** This audience without the first name (what providers see when consent does not allow it). */
    public Audience withoutFirstName() {
        return firstName == null ? this : new Audience(segment, null, consent, traits);
    }
}
