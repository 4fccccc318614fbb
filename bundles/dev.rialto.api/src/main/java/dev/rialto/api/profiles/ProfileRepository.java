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

    /**
     * The stored profiles of these ids (absent ids are left out); one query per chunk where the store can.
     */
    default java.util.Map<String, Profile> findAll(Collection<String> ids) {
        java.util.Map<String, Profile> out = new java.util.HashMap<>();
        for (String id : ids) {
            find(id).ifPresent(p -> out.put(id, p));
        }
        return out;
    }
}
