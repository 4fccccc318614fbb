package dev.rialto.api.scoring;

import dev.rialto.api.common.RialtoException;

/** Thrown when a score is asked for and no model is loaded. */
public class ModelUnavailableException extends RialtoException {
    private static final long serialVersionUID = 1L;

    public ModelUnavailableException(String message) {
        super(message);
    }
}
