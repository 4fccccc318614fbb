package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventExportTest {
    @TempDir
    Path dir;

    private static final List<Event> EVENTS = List.of(
            new Event("e1", EventType.VIEW, "u1", "i1", 1, Instant.parse("2026-01-01T00:00:00Z")),
            new Event("e2", EventType.SEARCH, "u1", null, 1, Instant.parse("2026-01-02T00:00:00Z"), "mug, \"blue\""),
            new Event("e3", EventType.PURCHASE, "u2", "i2", 3, Instant.parse("2026-01-03T00:00:00Z")));

    /** Streams the fixed events with the repository's bounds. */
    static final class Store implements EventRepository {
        @Override
        public int append(Collection<Event> events) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count() {
            return EVENTS.size();
        }

        @Override
        public List<Event> recentForUser(String userId, int limit) {
            return List.of();
        }

        @Override
        public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
            EVENTS.stream().filter(e -> (from == null || !e.timestamp().isBefore(from))
                    && (to == null || e.timestamp().isBefore(to))).forEach(consumer);
        }

        @Override
        public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
            return Map.of();
        }

        @Override
        public Instant newestTimestamp() {
            return EVENTS.get(EVENTS.size() - 1).timestamp();
        }
    }

    @Test
    void writesAnIngestCompatibleCsvQuotingWhereNeeded() throws Exception {
        Path file = dir.resolve("out/events.csv");
        String said = EventExport.export(new Store(), file.toString(), null, null);
        assertEquals("Exported 3 events to " + file + "\n", said);
        assertEquals("""
                id,type,user,item,quantity,timestamp,query
                e1,view,u1,i1,1,2026-01-01T00:00:00Z,
                e2,search,u1,,1,2026-01-02T00:00:00Z,"mug, ""blue\"""
                e3,purchase,u2,i2,3,2026-01-03T00:00:00Z,
                """, Files.readString(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temp file left");
        }
    }

    @Test
    void boundsAndGzip() throws Exception {
        Path file = dir.resolve("events.csv.gz");
        assertTrue(EventExport.export(new Store(), file.toString(), "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")
                .startsWith("Exported 1 events"));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("e2,search"), text);
            assertFalse(text.contains("e1,") || text.contains("e3,"), text);
        }
    }

    @Test
    void badBoundsAndNoStoreAreSaid() {
        assertTrue(EventExport.export(new Store(), dir.resolve("x.csv").toString(), "yesterday", null)
                .startsWith("error: --from and --to must be ISO-8601 instants"));
        assertFalse(Files.exists(dir.resolve("x.csv")));
        assertTrue(EventExport.export(null, "x.csv", null, null).startsWith("Event store: not available"));
    }
}
