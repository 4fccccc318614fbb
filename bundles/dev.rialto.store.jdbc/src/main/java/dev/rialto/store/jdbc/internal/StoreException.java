package dev.rialto.store.jdbc.internal;

import dev.rialto.api.common.RialtoException;

/** A database failure, with the operation that failed in the message. */
public class StoreException extends RialtoException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
