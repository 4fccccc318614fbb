package dev.rialto.api.content;

import dev.rialto.api.common.RialtoException;

/** A provider could not draft copy (unreachable, timed out, bad answer). The generator falls back. */
public class ContentProviderException extends RialtoException {
    private static final long serialVersionUID = 1L;

    public ContentProviderException(String message) {
        super(message);
    }

    public ContentProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
