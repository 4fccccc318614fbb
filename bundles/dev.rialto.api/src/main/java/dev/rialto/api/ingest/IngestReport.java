package dev.rialto.api.ingest;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * The outcome of ingesting one source.
 *
 * @param source     the source's name (a file name, a topic, ...)
 * @param kind       what it held
 * @param read       records read
 * @param stored     records stored as new or changed
 * @param duplicates valid records that were already stored (same id)
 * @param rejections records not stored, with reasons
 */
public record IngestReport(String source, EntityKind kind, long read, long stored, long duplicates,
        List<Rejection> rejections) {
    public IngestReport {
        Require.nonBlank(source, "source");
        Require.nonNull(kind, "kind");
        rejections = List.copyOf(Require.nonNull(rejections, "rejections"));
    }

    public boolean hasRejections() {
        return !rejections.isEmpty();
    }

    /** The rejections as CSV ({@code line,record,field,reason}) for a person or a spreadsheet. */
    public String rejectionsCsv() {
        StringBuilder out = new StringBuilder("line,record,field,reason\n");
        for (Rejection r : rejections) {
            out.append(r.line()).append(',').append(csv(r.recordId())).append(',').append(csv(r.field()))
                    .append(',').append(csv(r.reason())).append('\n');
        }
        return out.toString();
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
