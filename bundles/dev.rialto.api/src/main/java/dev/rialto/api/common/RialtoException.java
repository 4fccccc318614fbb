package dev.rialto.api.common;

/** Base of every unchecked domain exception that Rialto services throw. */
public class RialtoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RialtoException(String message) {
        super(message);
    }

    public RialtoException(String message, Throwable cause) {
        super(message, cause);
    }
}
