package dev.rialto.rest.internal.auth;

/** The login service cannot be used at all (for example the JAAS realm is not configured): not a wrong password. */
public class AuthenticationUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
