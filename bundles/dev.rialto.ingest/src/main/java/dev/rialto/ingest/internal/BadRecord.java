package dev.rialto.ingest.internal;

/** A record that cannot be stored: the field and the reason become a Rejection. Cheap: no stack trace. */
final class BadRecord extends Exception {
    private static final long serialVersionUID = 1L;
    final String field;

    BadRecord(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }
}
