package dev.rialto.rest.internal.auth;

import java.util.Optional;
import java.util.Set;

/** Checks a user name and password. JAAS sits behind this so that the filter is testable without a container. */
@FunctionalInterface
public interface Authenticator {

    /**
     * @return the user's direct role names, or empty when the credentials are wrong
     * @throws AuthenticationUnavailableException when the login service itself cannot be used
     */
    Optional<Set<String>> login(String user, String password);
}
