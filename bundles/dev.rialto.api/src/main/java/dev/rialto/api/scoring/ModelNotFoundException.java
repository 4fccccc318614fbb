package dev.rialto.api.scoring;

import dev.rialto.api.common.RialtoException;

/** Thrown when a model, or a version of it to go back to, does not exist; the message names the model. */
public class ModelNotFoundException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final String model;

    public ModelNotFoundException(String model, String message) {
        super(message);
        this.model = model;
    }

    /** The name of the model asked for. */
    public String model() {
        return model;
    }
}
