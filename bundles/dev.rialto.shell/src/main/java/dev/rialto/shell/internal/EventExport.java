package dev.rialto.shell.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.zip.GZIPOutputStream;

/** The logic of {@code rialto:export-events}: streams the events into a temp file, then renames it. */
final class EventExport {
    static final String HEADER = "id,type,user,item,quantity,timestamp,query\n";

    private EventExport() {
    }

    static String export(EventRepository events, String file, String from, String to) {
        if (events == null) {
            return "Event store: " + Format.NOT_AVAILABLE + " (is the rialto-store feature installed?)\n";
        }
        Instant start;
        Instant end;
        try {
            start = from == null || from.isBlank() ? null : Instant.parse(from.strip());
            end = to == null || to.isBlank() ? null : Instant.parse(to.strip());
        } catch (DateTimeParseException e) {
            return "error: --from and --to must be ISO-8601 instants such as 2026-01-01T00:00:00Z (" + e.getParsedString()
                    + ")\n";
        }
        Path target = Path.of(file).toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        long[] count = {0};
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream raw = Files.newOutputStream(tmp);
                    OutputStream maybeGzip = file.endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
                    Writer out = new BufferedWriter(new OutputStreamWriter(maybeGzip, StandardCharsets.UTF_8))) {
                out.write(HEADER);
                events.forEach(start, end, e -> {
                    write(out, e);
                    count[0]++;
                });
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the error below is what matters
            }
            return "error: exporting events to " + target + " failed: " + e.getMessage() + "\n";
        }
        return "Exported " + count[0] + " events to " + target + "\n";
    }

    private static void write(Writer out, Event e) {
        try {
            out.write(csv(e.id()) + "," + e.type().wireName() + "," + csv(e.userId()) + ","
                    + csv(e.itemId() == null ? "" : e.itemId()) + "," + e.quantity() + "," + e.timestamp() + ","
                    + csv(e.query() == null ? "" : e.query()) + "\n");
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** RFC 4180 quoting when a field holds a comma, a quote or a line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }
}
