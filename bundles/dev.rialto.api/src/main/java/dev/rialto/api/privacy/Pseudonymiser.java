package dev.rialto.api.privacy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Maps the user ids that sources send to the pseudonymous ids the store holds (a keyed HMAC). Every surface that
 * takes a user id from outside (REST, console) maps it here before it looks anything up, so that callers keep
 * using their own ids. Registered with {@code rialto.bean=pseudonymiser}.
 */
@ProviderType
public interface Pseudonymiser {
    /** The stored id of a raw user id; an id that already is a pseudonym is returned unchanged. */
    String userId(String raw);

    /** Whether the id has the form of a pseudonym made here. */
    boolean isPseudonym(String id);
}
