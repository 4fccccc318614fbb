package dev.rialto.api.rules;

import dev.rialto.api.common.RialtoException;

/** A rule that cannot be parsed; {@link #path()} names the offending field, for example {@code $.all[2].op}. */
public class RuleException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public RuleException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
