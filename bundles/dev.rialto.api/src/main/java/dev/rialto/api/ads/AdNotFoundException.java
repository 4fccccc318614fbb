package dev.rialto.api.ads;

import dev.rialto.api.common.RialtoException;

/** An ad entity that does not exist; {@link #kind()} and {@link #id()} name it. */
public class AdNotFoundException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String id;

    public AdNotFoundException(String kind, String id) {
        super(kind + " '" + id + "' does not exist");
        this.kind = kind;
        this.id = id;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
