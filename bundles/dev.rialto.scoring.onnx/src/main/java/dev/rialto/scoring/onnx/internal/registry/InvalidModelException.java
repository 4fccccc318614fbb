package dev.rialto.scoring.onnx.internal.registry;

import dev.rialto.api.common.RialtoException;

/** A model folder that breaks a rule of docs/model-card.md; the message names the offending field. */
public class InvalidModelException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidModelException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public InvalidModelException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    /** The offending field, for example {@code signature.outputs[0].positiveIndex} or {@code model.onnx}. */
    public String field() {
        return field;
    }
}
