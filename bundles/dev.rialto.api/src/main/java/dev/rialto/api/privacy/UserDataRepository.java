package dev.rialto.api.privacy;

import org.osgi.annotation.versioning.ProviderType;

/** The store's view of one user across tables. Notifies every {@link UserDataListener} after a deletion. */
@ProviderType
public interface UserDataRepository {
    /** What is held about the stored user id. */
    UserData find(String userId);

    /** Deletes the profile, the events and the dead letters of the stored user id in one transaction. */
    UserData delete(String userId);
}
