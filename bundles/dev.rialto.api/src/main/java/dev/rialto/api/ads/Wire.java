package dev.rialto.api.ads;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of enum wire names, case-insensitive, with an error naming the field and the accepted values. */
final class Wire {
    private Wire() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String wire, String field) {
        String normal = wire == null ? "" : wire.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(normal)) {
                return value;
            }
        }
        throw new IllegalArgumentException(field + " '" + wire + "' is not one of " + Arrays.stream(
                type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
