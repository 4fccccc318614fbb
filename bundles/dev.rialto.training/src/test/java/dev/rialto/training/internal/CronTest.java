package dev.rialto.training.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronTest {

    private static ZonedDateTime at(String iso) {
        return Instant.parse(iso).atZone(ZoneOffset.UTC);
    }

    @Test
    void fieldsListsRangesAndSteps() {
        Cron c = Cron.parse("*/15 3,4 * * 1-5");
        assertTrue(c.matches(at("2026-11-27T03:45:00Z")), "Friday 03:45");
        assertFalse(c.matches(at("2026-11-28T03:45:00Z")), "Saturday");
        assertFalse(c.matches(at("2026-11-27T03:46:00Z")), "not a quarter");
        assertFalse(c.matches(at("2026-11-27T05:00:00Z")), "hour 5");
        assertTrue(Cron.parse("0 0 * * 7").matches(at("2026-11-29T00:00:00Z")), "7 is Sunday");
        assertTrue(Cron.parse("0 0 * * 0").matches(at("2026-11-29T00:00:00Z")), "0 is Sunday");
        // Both day fields restricted: either one matches (Vixie cron).
        Cron days = Cron.parse("0 12 1 * 1");
        assertTrue(days.matches(at("2026-12-01T12:00:00Z")), "the 1st, a Tuesday");
        assertTrue(days.matches(at("2026-11-30T12:00:00Z")), "a Monday");
        assertFalse(days.matches(at("2026-12-02T12:00:00Z")));
    }

    @Test
    void firedBetweenLooksAtEveryMinuteOfTheInterval() {
        Cron c = Cron.parse("30 2 * * *");
        assertTrue(c.firedBetween(Instant.parse("2026-11-28T02:29:40Z"), Instant.parse("2026-11-28T02:30:20Z")));
        assertFalse(c.firedBetween(Instant.parse("2026-11-28T02:30:20Z"), Instant.parse("2026-11-28T02:31:20Z")),
                "02:30 was handled by the previous tick");
        assertTrue(c.firedBetween(Instant.parse("2026-11-28T02:00:00Z"), Instant.parse("2026-11-28T03:00:00Z")),
                "a tick that came late still sees 02:30");
        assertTrue(Cron.parse("* * * * *").firedBetween(Instant.parse("2026-11-28T02:00:59Z"),
                Instant.parse("2026-11-28T02:01:00Z")));
    }

    @Test
    void badExpressionsNameTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 3 * *")).getMessage()
                .contains("must have 5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 3 * * *")).getMessage()
                .contains("cron minute field '61' must be within 0-59"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 x * * *")).getMessage()
                .contains("cron hour field 'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 3 * 1-13 *")).getMessage()
                .contains("cron month field"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("*/0 * * * *")).getMessage()
                .contains("step must be at least 1"));
        assertThrows(IllegalArgumentException.class, () -> Cron.parse(" "));
    }
}
