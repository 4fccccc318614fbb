package dev.rialto.api.profiles;

import java.util.Collection;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** User profiles in the store. */
@ProviderType
public interface ProfileRepository {
    /** Inserts or replaces the given profiles; keeps the original {@code created} of known ones. */
    void upsert(Collection<Profile> profiles);

    Optional<Profile> find(String id);

    long count();
}
