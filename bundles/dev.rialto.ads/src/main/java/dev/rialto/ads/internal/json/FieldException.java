package dev.rialto.ads.internal.json;

/** A bad field of an ad entity in JSON; {@link #field()} is its path, for example {@code campaigns[2].bid}. */
public final class FieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public FieldException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The message without the field prefix. */
    public String reason() {
        String message = getMessage();
        return message.substring(field.length() + 2);
    }

    /** The same problem under a parent path ({@code campaigns[2]} + {@code .bid}). */
    public FieldException under(String parent) {
        return new FieldException(parent + (field.startsWith("[") ? "" : ".") + field, reason());
    }
}
