package dev.rialto.api.rules;

import java.util.List;
import java.util.Locale;

/** Comparison of a leaf. Numeric operators compare numbers; the others compare text, case-insensitively. */
public enum Operator {
    EQ(1), NE(1), IN(-1), NOT_IN(-1), PREFIX(-1), CONTAINS(-1), GT(1), GTE(1), LT(1), LTE(1), BETWEEN(2), EXISTS(0);

    private final int arity;

    Operator(int arity) {
        this.arity = arity;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean numeric() {
        return this == GT || this == GTE || this == LT || this == LTE || this == BETWEEN;
    }

    /** @throws IllegalArgumentException when the number of values does not fit the operator */
    public void checkArity(List<String> values) {
        if (arity >= 0 && values.size() != arity) {
            throw new IllegalArgumentException("op " + wireName() + " takes " + arity + " value(s), got "
                    + values.size());
        }
        if (arity < 0 && values.isEmpty()) {
            throw new IllegalArgumentException("op " + wireName() + " needs at least one value");
        }
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Operator parse(String wire) {
        String normal = wire == null ? "" : wire.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Operator op : values()) {
            if (op.name().equals(normal)) {
                return op;
            }
        }
        throw new IllegalArgumentException("op '" + wire + "' is not one of eq, ne, in, not_in, prefix, contains,"
                + " gt, gte, lt, lte, between, exists");
    }
}
