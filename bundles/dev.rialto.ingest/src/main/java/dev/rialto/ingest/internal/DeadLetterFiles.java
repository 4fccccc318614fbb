package dev.rialto.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rialto.api.ingest.DeadLetter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter files: {@code <dir>/<source>/<yyyy-MM-dd>.jsonl}, one JSON object per rejected record (the same
 * fields as the table), appended. Files older than the retention are deleted when a new day's file starts: they
 * hold raw records, personal data included, and an erasure only reaches the table.
 */
final class DeadLetterFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFiles.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** Null: no files. */
    private final Path dir;
    private final int days;

    DeadLetterFiles(Path dir, int days) {
        this.dir = dir;
        this.days = days;
    }

    boolean enabled() {
        return dir != null;
    }

    /** The folder name of a source: letters, digits, {@code - _ .} kept, anything else {@code _}. */
    static String folder(String source) {
        String safe = source.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.startsWith(".") ? "_" + safe : safe;
    }

    Path fileOf(String source, LocalDate day) {
        return dir.resolve(folder(source)).resolve(day + ".jsonl");
    }

    /** Appends the letters; a failure is logged and never fails the ingestion (the table holds them too). */
    synchronized void append(List<DeadLetter> letters) {
        if (dir == null || letters.isEmpty()) {
            return;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String source = letters.get(0).source();
        Path file = fileOf(source, today);
        try {
            Files.createDirectories(file.getParent());
            boolean fresh = !Files.exists(file);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (DeadLetter d : letters) {
                    out.write(line(d));
                    out.write('\n');
                }
            }
            if (fresh) {
                expire(file.getParent(), today.minusDays(days));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not append {} dead letters of {} to {}: {}", letters.size(), source, file,
                    e.getMessage());
        }
    }

    private static void expire(Path folder, LocalDate before) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jsonl")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    if (LocalDate.parse(name.substring(0, name.length() - 6)).isBefore(before)) {
                        Files.deleteIfExists(f);
                    }
                } catch (RuntimeException notADay) {
                    // not one of ours
                }
            }
        }
    }

    static String line(DeadLetter d) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("at", d.at().toString());
            json.writeStringField("source", d.source());
            json.writeStringField("file", d.file());
            json.writeNumberField("line", d.line());
            json.writeStringField("record", d.recordId());
            json.writeStringField("field", d.field());
            json.writeStringField("reason", d.reason());
            json.writeStringField("user", d.userId());
            json.writeStringField("raw", d.raw());
            json.writeEndObject();
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return dir == null ? "none" : dir.toString().toLowerCase(Locale.ROOT);
    }
}
