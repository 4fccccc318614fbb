package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import java.time.Duration;
import java.util.Locale;

/**
 * At most {@code max} impressions per user of one creative or one campaign within a sliding window, or of the
 * campaign within one session (the window is then ignored).
 */
public record FrequencyCap(Scope scope, int max, Duration window) {

    public enum Scope {
        CREATIVE, CAMPAIGN, SESSION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scope parse(String wire) {
            return Wire.parse(Scope.class, wire, "scope");
        }
    }

    public static final Duration MAX_WINDOW = Duration.ofDays(90);

    public FrequencyCap {
        Require.nonNull(scope, "scope");
        Require.positive(max, "max");
        if (scope != Scope.SESSION) {
            Require.nonNull(window, "window");
            if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
                throw new IllegalArgumentException("window must be positive and at most 90 days, was " + window);
            }
        } else {
            window = null;
        }
    }
}
