package dev.rialto.api.profiles;

/**
 * A user's consent per purpose. {@code null} means the source did not say; what that implies is the deployment's
 * policy (configuration of the stage that uses it), not this record's.
 *
 * @param personalisation personalised recommendations and content
 * @param email           marketing email
 * @param ads             personalised advertising
 */
public record Consent(Boolean personalisation, Boolean email, Boolean ads) {

    public static final Consent UNKNOWN = new Consent(null, null, null);

    /** Whether the purpose is allowed, given the default for an unknown answer. */
    public static boolean allows(Boolean answer, boolean whenUnknown) {
        return answer == null ? whenUnknown : answer;
    }
}
