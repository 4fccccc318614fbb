package dev.rialto.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Number, metric and time formatting shared by the commands. */
final class Format {

    static final String NOT_AVAILABLE = "not available";

    private Format() {
    }

    static String score(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    static String score(Double value) {
        return value == null ? "-" : score(value.doubleValue());
    }

    /** {@code key=value} pairs, sorted by key; {@code "-"} when empty. */
    static String metrics(Map<String, Double> metrics) {
        if (metrics == null || metrics.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(metrics).entrySet().stream()
                .map(e -> e.getKey() + "=" + score(e.getValue()))
                .collect(Collectors.joining("  "));
    }

    static String instant(Instant instant) {
        return instant == null ? "-" : instant.toString();
    }

    static String duration(Instant from, Instant to) {
        if (from == null || to == null) {
            return "-";
        }
        Duration d = Duration.between(from, to);
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
