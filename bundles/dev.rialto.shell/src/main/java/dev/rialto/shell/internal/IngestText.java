package dev.rialto.shell.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.FileIngestor;
import dev.rialto.api.ingest.IngestJournal;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.ingest.SourceStatus;
import dev.rialto.api.privacy.PrivacyService;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.profiles.Profile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The logic and formatting of {@code rialto:ingest}, {@code ingest-status}, {@code dead-letters},
 * {@code profile-export} and {@code profile-forget}.
 */
final class IngestText {
    static final String NO_INGESTOR = "File ingestion: " + Format.NOT_AVAILABLE
            + " (is dev.rialto.ingest installed and active?)\n";
    static final String NO_JOURNAL = "Ingestion journal: " + Format.NOT_AVAILABLE
            + " (is dev.rialto.store.jdbc installed and active?)\n";
    static final String NO_PRIVACY = "Privacy service: " + Format.NOT_AVAILABLE
            + " (is dev.rialto.ingest installed and active?)\n";
    static final int BAR_WIDTH = 30;
    static final int SHOWN_REJECTIONS = 20;

    private IngestText() {
    }

    /**
     * The kind a file is ingested as without {@code --mapping}: its folder's name when that is a kind or a mapping
     * folder under {@code inbox/}, else {@code items}, {@code profiles} or {@code events} when the file's name starts
     * with one; else null (the caller asks for {@code --mapping}).
     */
    static String kindOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("inbox")) {
            return parent.getFileName().toString();
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String kind : List.of("items", "profiles", "events")) {
            if (name.startsWith(kind)) {
                return kind;
            }
        }
        return null;
    }

    /** Ingests the file, drawing a progress bar in place, then prints the report. */
    static void ingest(FileIngestor ingestor, Path file, String mapping, PrintStream console) {
        if (ingestor == null) {
            console.print(NO_INGESTOR);
            return;
        }
        String kind = mapping != null && !mapping.isBlank() ? mapping.strip() : kindOf(file);
        if (kind == null) {
            console.print("error: cannot tell what " + file.getFileName() + " holds; give --mapping items, events,"
                    + " profiles or a mapping name\n");
            return;
        }
        String[] last = {null};
        long[] lastDraw = {0};
        try {
            IngestReport report = ingestor.ingestFile(file, kind, (bytes, total, records) -> {
                long now = System.nanoTime();
                String line = bar(bytes, total, records);
                // redraw at most 10 times a second, and always the final state
                if (!line.equals(last[0]) && (now - lastDraw[0] > 100_000_000L || bytes >= total)) {
                    last[0] = line;
                    lastDraw[0] = now;
                    console.print("\r" + line);
                    console.flush();
                }
            });
            console.print((last[0] == null ? "" : "\n") + report(report, kind));
        } catch (RuntimeException e) {
            console.print((last[0] == null ? "" : "\n") + "error: " + e.getMessage() + "\n");
        }
        console.flush();
    }

    /** {@code [#####.......]  42% 1.2 MB/2.9 MB 10,000 records}. */
    static String bar(long bytes, long total, long records) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, bytes * BAR_WIDTH / total);
        int percent = total <= 0 ? 100 : (int) Math.min(100, bytes * 100 / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%% %s/%s %s records", percent, size(bytes), size(total),
                IndexText.count(records));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    static String report(IngestReport r, String kind) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Ingested %s as %s: read %s, stored %s, duplicates %s, rejected %s\n",
                r.source(), kind, IndexText.count(r.read()), IndexText.count(r.stored()),
                IndexText.count(r.duplicates()), IndexText.count(rejected(r))));
        if (r.hasRejections()) {
            TextTable table = new TextTable(List.of("LINE", "RECORD", "FIELD", "REASON"), 10, 24, 20, 80);
            r.rejections().stream().limit(SHOWN_REJECTIONS).forEach(x -> table.row(Long.toString(x.line()),
                    x.recordId(), x.field(), x.reason()));
            out.append(table.render());
            if (r.rejections().size() > SHOWN_REJECTIONS) {
                out.append("... all of them: rialto:dead-letters --source ").append(kind).append('\n');
            }
        }
        return out.toString();
    }

    /** Rejected records: the listed ones, plus those the last rejection sums up. */
    private static long rejected(IngestReport r) {
        long rejected = 0;
        for (Rejection x : r.rejections()) {
            if (x.recordId() == null && x.field().equals("*") && x.reason().endsWith("more rejected records are not listed")) {
                rejected += Long.parseLong(x.reason().substring(0, x.reason().indexOf(' ')));
            } else {
                rejected++;
            }
        }
        return rejected;
    }

    static String status(IngestJournal journal) {
        if (journal == null) {
            return NO_JOURNAL;
        }
        List<SourceStatus> sources;
        try {
            sources = journal.sources();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
        if (sources.isEmpty()) {
            return "Nothing ingested yet.\n";
        }
        TextTable table = new TextTable(List.of("SOURCE", "FILES", "STORED", "DUPLICATES", "REJECTED", "LAST",
                "LAST ERROR"), 32, 0, 0, 0, 0, 0, 60);
        for (SourceStatus s : sources) {
            table.row(s.source(), IndexText.count(s.files()), IndexText.count(s.stored()),
                    IndexText.count(s.duplicates()), IndexText.count(s.rejected()), Format.instant(s.updated()),
                    s.lastError() == null ? "-" : Format.instant(s.lastErrorAt()) + " " + s.lastError());
        }
        return table.render();
    }

    static String deadLetters(IngestJournal journal, String source, int limit) {
        if (journal == null) {
            return NO_JOURNAL;
        }
        String s = source == null || source.isBlank() ? null : source.strip();
        List<DeadLetter> letters;
        long total;
        try {
            letters = journal.deadLetters(s, Math.max(1, limit));
            total = journal.countDeadLetters(s);
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
        if (letters.isEmpty()) {
            return "No dead letters" + (s == null ? "" : " for " + s) + ".\n";
        }
        TextTable table = new TextTable(List.of("AT", "SOURCE", "FILE", "LINE", "FIELD", "REASON", "RAW"),
                0, 24, 24, 0, 16, 60, 60);
        for (DeadLetter d : letters) {
            table.row(Format.instant(d.at()), d.source(), d.file() == null ? "-" : d.file(), Long.toString(d.line()),
                    d.field(), d.reason(), d.raw() == null ? "-" : printable(d.raw()));
        }
        return table.render() + IndexText.count(letters.size()) + " of " + IndexText.count(total)
                + " dead letters, newest first\n";
    }

    /** Control characters (newlines of a raw CSV record, say) shown as spaces, so each letter stays on one line. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), 200));
        for (int i = 0; i < raw.length() && out.length() < 200; i++) {
            char c = raw.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }

    static String export(PrivacyService privacy, String id) {
        if (privacy == null) {
            return NO_PRIVACY;
        }
        UserData data;
        try {
            data = privacy.export(id);
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
        if (data.isEmpty()) {
            return "Nothing is held about " + id + " (stored id " + data.userId() + ").\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("User (stored id): ").append(data.userId()).append('\n');
        Profile p = data.profile();
        if (p == null) {
            out.append("Profile: none\n");
        } else {
            out.append("Profile: created ").append(p.created()).append(", updated ").append(p.updated()).append('\n');
            out.append("Consent: personalisation=").append(tri(p.consent().personalisation())).append(" email=")
                    .append(tri(p.consent().email())).append(" ads=").append(tri(p.consent().ads())).append('\n');
            for (Map.Entry<String, String> a : new TreeMap<>(p.attributes()).entrySet()) {
                out.append("  ").append(a.getKey()).append(" = ").append(a.getValue()).append('\n');
            }
        }
        out.append("Events: ").append(data.events().size()).append('\n');
        if (!data.events().isEmpty()) {
            TextTable table = new TextTable(List.of("TIME", "ID", "TYPE", "ITEM", "QTY", "PRICE", "CONTEXT",
                    "QUERY"), 0, 40, 0, 24, 0, 0, 40, 40);
            for (Event e : data.events()) {
                table.row(e.timestamp().toString(), e.id(), e.type().wireName(), e.itemId(),
                        Integer.toString(e.quantity()), e.price() == null ? "" : e.price().toPlainString(),
                        context(e), e.query());
            }
            out.append(table.render());
        }
        out.append("Dead letters: ").append(data.deadLetters().size()).append('\n');
        for (DeadLetter d : data.deadLetters()) {
            out.append("  ").append(d.source()).append(' ').append(d.file() == null ? "" : d.file()).append(':')
                    .append(d.line()).append(' ').append(d.field()).append(": ").append(d.reason()).append('\n');
        }
        return out.toString();
    }

    private static String context(Event e) {
        if (e.context().isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        append(out, "channel", e.context().channel());
        append(out, "campaign", e.context().campaign());
        append(out, "slot", e.context().slot());
        append(out, "creative", e.context().creative());
        return out.toString();
    }

    private static void append(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(out.length() == 0 ? "" : " ").append(name).append('=').append(value);
        }
    }

    private static String tri(Boolean b) {
        return b == null ? "unknown" : b.toString();
    }

    static String forget(PrivacyService privacy, String id) {
        if (privacy == null) {
            return NO_PRIVACY;
        }
        try {
            UserData deleted = privacy.forget(id);
            if (deleted.isEmpty()) {
                return "Nothing is held about " + id + " (stored id " + deleted.userId() + "); nothing deleted.\n";
            }
            return "Forgot " + id + " (stored id " + deleted.userId() + "): profile "
                    + (deleted.profile() == null ? "none" : "deleted") + ", " + deleted.events().size()
                    + " events and " + deleted.deadLetters().size() + " dead letters deleted; indexes and counters"
                    + " were told.\n";
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }
}
