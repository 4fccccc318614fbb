package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser-free path for UTC timestamps agrees with the JDK's parser, and leaves everything else to it. */
class IsoUtcTest {

    @Test
    void agreesWithTheJdkParser() {
        for (String v : List.of("2026-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00.5Z",
                "2010-12-31T10:11:12.123Z", "2010-12-31T10:11:12.123456789Z", "0001-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999Z", "9999-12-31T23:59:59Z")) {
            assertEquals(OffsetDateTime.parse(v).toInstant(), Mappers.isoUtc(v), v);
        }
        assertEquals(Instant.parse("2026-03-04T05:06:07Z"), Mappers.isoUtc("2026-03-04 05:06:07Z"));
    }

    @Test
    void leavesOtherFormsAndBadFieldsToTheFullParser() {
        for (String v : List.of("2026-01-01T00:00:00", "2026-01-01T00:00:00+01:00", "2026-01-01T00:00:00z",
                "2026-01-01T00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z",
                "2026-01-01T00:00:00.1234567890Z", "2026-0a-01T00:00:00Z", "+2026-01-01T00:00:00Z",
                "2026-01-01X00:00:00Z", "1700000000000", "")) {
            assertNull(Mappers.isoUtc(v), v);
        }
    }
}
