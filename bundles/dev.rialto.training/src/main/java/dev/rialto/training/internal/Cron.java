package dev.rialto.training.internal;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week, UTC) with {@code *}, lists, ranges and
 * steps. Day of week is 0-7 (0 and 7 are Sunday). As in Vixie cron, when both day fields are restricted a day
 * matches if either matches.
 */
final class Cron {
    private static final String[] FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    private final String expression;
    private final BitSet[] allowed = new BitSet[5];
    private final boolean[] star = new boolean[5];

    private Cron(String expression) {
        this.expression = expression;
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron expression must not be empty");
        }
        String[] parts = expression.strip().split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression + "' must have 5 fields (minute hour"
                    + " day-of-month month day-of-week), has " + parts.length);
        }
        Cron cron = new Cron(expression.strip());
        for (int f = 0; f < 5; f++) {
            cron.star[f] = parts[f].equals("*") || parts[f].startsWith("*/");
            cron.allowed[f] = field(parts[f], f);
        }
        if (cron.allowed[4].get(7)) {
            cron.allowed[4].set(0);
        }
        return cron;
    }

    private static BitSet field(String text, int f) {
        int min = RANGES[f][0];
        int max = RANGES[f][1];
        BitSet out = new BitSet(max + 1);
        for (String item : text.split(",")) {
            try {
                int step = 1;
                String range = item;
                int slash = item.indexOf('/');
                if (slash >= 0) {
                    step = Integer.parseInt(item.substring(slash + 1));
                    range = item.substring(0, slash);
                    if (step < 1) {
                        throw new IllegalArgumentException("step must be at least 1");
                    }
                }
                int from;
                int to;
                if (range.equals("*")) {
                    from = min;
                    to = max;
                } else if (range.contains("-")) {
                    String[] ends = range.split("-", 2);
                    from = Integer.parseInt(ends[0]);
                    to = Integer.parseInt(ends[1]);
                } else {
                    from = Integer.parseInt(range);
                    to = slash >= 0 ? max : from;
                }
                if (from < min || to > max || from > to) {
                    throw new IllegalArgumentException("must be within " + min + "-" + max);
                }
                for (int v = from; v <= to; v += step) {
                    out.set(v);
                }
            } catch (IllegalArgumentException e) {
                String why = e instanceof NumberFormatException ? "is not a number, range, list or step" : e.getMessage();
                throw new IllegalArgumentException("cron " + FIELDS[f] + " field '" + item + "' " + why);
            }
        }
        return out;
    }

    boolean matches(ZonedDateTime t) {
        ZonedDateTime u = t.withZoneSameInstant(ZoneOffset.UTC);
        if (!allowed[0].get(u.getMinute()) || !allowed[1].get(u.getHour()) || !allowed[3].get(u.getMonthValue())) {
            return false;
        }
        boolean dom = allowed[2].get(u.getDayOfMonth());
        boolean dow = allowed[4].get(u.getDayOfWeek().getValue() % 7);
        if (star[2] || star[4]) {
            return dom && dow;
        }
        return dom || dow;
    }

    /**
     * Whether a matching minute began in {@code (after, upTo]}. Looks at most a day back, so a long pause does not
     * make a burst of runs: one run catches up.
     */
    boolean firedBetween(java.time.Instant after, java.time.Instant upTo) {
        ZonedDateTime end = upTo.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        ZonedDateTime start = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        if (start.isBefore(end.minusDays(1))) {
            start = end.minusDays(1);
        }
        for (ZonedDateTime m = end; m.isAfter(start); m = m.minusMinutes(1)) {
            if (matches(m)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return expression;
    }
}
