package dev.rialto.api.privacy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Export and erasure of a user's data. Ids may be given raw (as the source sent them) or pseudonymous: a raw id is
 * pseudonymised first. Personal fields kept encrypted are decrypted in an export.
 */
@ProviderType
public interface PrivacyService {
    /** Everything held about the user; {@link UserData#isEmpty()} when nothing is. */
    UserData export(String userId);

    /** Deletes everything held about the user and tells the change feed; returns what was deleted. */
    UserData forget(String userId);
}
