package dev.rialto.api.ads;

import dev.rialto.api.common.Require;

/** The ids of ad entities: 1 to 128 characters of letters, digits, '.', '_' and '-'. */
public final class AdIds {
    public static final int MAX_LENGTH = 128;

    private AdIds() {
    }

    /** @throws IllegalArgumentException naming the field */
    public static String check(String id, String field) {
        String value = Require.nonBlank(id, field).strip();
        if (value.length() > MAX_LENGTH || !value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(field + " must be 1 to " + MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', was '" + abbreviate(value) + "'");
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
