package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.Require;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.RecordIngestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File ingestion (CSV, TSV, JSON Lines, each optionally gzipped) through a column mapping: streams the records, validates each one, stores the valid ones in chunks and reports the rest.
 * A bad record never stops the others; a store failure (the database is down) does, and propagates.
 */
@Component(name = CsvIngestor.PID, configurationPid = CsvIngestor.PID, service = {Ingestor.class, RecordIngestor.class},
        property = ServiceProperties.BEAN_NAME + "=ingestor")
@Designate(ocd = CsvIngestor.Config.class)
public class CsvIngestor implements Ingestor, RecordIngestor {
    public static final String PID = "dev.rialto.ingest";
    private static final Logger LOG = LoggerFactory.getLogger(CsvIngestor.class);

    @ObjectClassDefinition(name = "Rialto ingestion", description = "Ingestion of items, events and profiles from CSV, TSV and JSON Lines")
    public @interface Config {
        @AttributeDefinition(description = "Time zone of event timestamps written without an offset")
        String zone() default "UTC";

        @AttributeDefinition(description = "Valid records stored per repository call", min = "1")
        int chunkSize() default 1000;

        @AttributeDefinition(description = "Longest field accepted, in characters", min = "1")
        int maxFieldLength() default 65536;

        @AttributeDefinition(description = "Rejections listed in one report; the rest are summed up", min = "1")
        int maxRejections() default 10000;

        @AttributeDefinition(description = "Folder of the named column mappings (<name>.properties); empty means"
                + " ${karaf.etc}/rialto/mappings")
        String mappingsDir() default "";
    }

    private record Settings(ZoneId zone, int chunkSize, int maxFieldLength, int maxRejections, Mappings mappings) {
    }

    private final ItemRepository items;
    private final EventRepository events;
    private final ProfileRepository profiles;
    private final Pseudonymiser pseudonymiser;
    private volatile Settings settings;

    @Activate
    public CsvIngestor(@Reference(name = "items") ItemRepository items,
            @Reference(name = "events") EventRepository events,
            @Reference(name = "profiles") ProfileRepository profiles) {
        this(items, events, profiles, Pseudonymiser.NONE);
    }

    CsvIngestor(ItemRepository items, EventRepository events, ProfileRepository profiles,
            Pseudonymiser pseudonymiser) {
        this.items = items;
        this.events = events;
        this.profiles = profiles;
        this.pseudonymiser = pseudonymiser;
    }

    @Activate
    @Modified
    public void activate(Config config) {
        ZoneId zone;
        try {
            zone = ZoneId.of(config.zone().strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone '" + config.zone() + "' is not a time zone ID such as UTC"
                    + " or Europe/Paris", e);
        }
        positive(config.chunkSize(), "chunkSize");
        positive(config.maxFieldLength(), "maxFieldLength");
        positive(config.maxRejections(), "maxRejections");
        settings = new Settings(zone, config.chunkSize(), config.maxFieldLength(), config.maxRejections(),
                new Mappings(mappingsDir(config.mappingsDir())));
    }

    /** The configured folder, else ${karaf.etc}/rialto/mappings; null (built-ins only) outside Karaf. */
    private static Path mappingsDir(String configured) {
        String dir = configured == null ? "" : configured.strip();
        if (!dir.isEmpty()) {
            return Path.of(dir);
        }
        String etc = System.getProperty("karaf.etc");
        if (etc == null && System.getProperty("karaf.base") != null) {
            etc = System.getProperty("karaf.base") + "/etc";
        }
        return etc == null ? null : Path.of(etc, "rialto", "mappings");
    }

    private static void positive(int value, String property) {
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be at least 1, was " + value);
        }
    }

    @Override
    public IngestReport ingestCsv(String kind, InputStream data, String source) {
        Objects.requireNonNull(data, "csv must not be null");
        String name = source == null || source.isBlank() ? "csv" : source.strip();
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("The ingestor is not activated");
        }
        Mapping mapping = s.mappings().resolve(kind);
        Format format = mapping.format != null ? mapping.format : Format.ofName(name);
        Run run = new Run(mapping, name, s);
        // The caller owns the stream: shield it from our closes.
        try (BufferedReader reader = withoutBom(new BufferedReader(new InputStreamReader(
                decompressed(CloseShieldInputStream.wrap(data)), mapping.charset), 65536))) {
            if (format == Format.JSONL) {
                run.parseJsonLines(new JsonLines(reader, s.maxFieldLength() * 16));
            } else {
                char delimiter = mapping.delimiter != null ? mapping.delimiter
                        : format == Format.TSV ? '\t' : detectDelimiter(reader);
                try (CSVParser parser = format(delimiter).parse(reader)) {
                    run.parse(parser);
                } catch (UncheckedIOException e) {
                    // Thrown while reading the header row.
                    throw new IllegalArgumentException(name + ": the header row is not valid CSV: " + e.getMessage(),
                            e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + name + " failed: " + e.getMessage(), e);
        }
        IngestReport report = run.report();
        LOG.info("Ingested {} with mapping {} ({}): read {}, stored {}, duplicates {}, rejected {}{}", name,
                mapping.name, format, report.read(), report.stored(), report.duplicates(), run.rejected, run.alsoLog());
        return report;
    }

    @Override
    public IngestReport ingestRecords(String kind, List<Map<String, Object>> records, String source) {
        Objects.requireNonNull(records, "records must not be null");
        if (records.size() > MAX_RECORDS) {
            throw new IllegalArgumentException("records: at most " + MAX_RECORDS + " records per call, got "
                    + records.size());
        }
        String name = source == null || source.isBlank() ? "records" : source.strip();
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("The ingestor is not activated");
        }
        Mapping mapping = s.mappings().resolve(kind);
        Run run = new Run(mapping, name, s);
        run.parseRecords(records);
        IngestReport report = run.report();
        // Web shops post small batches all day: one line per call only when asked for.
        LOG.debug("Ingested {} with mapping {} (records): read {}, stored {}, duplicates {}, rejected {}{}", name,
                mapping.name, report.read(), report.stored(), report.duplicates(), run.rejected, run.alsoLog());
        return report;
    }

    private static CSVFormat format(char delimiter) {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL) // we report duplicates ourselves
                .get();
    }

    /** Gzip is recognised by its magic bytes, whatever the file is called. */
    static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 65536);
        buffered.mark(2);
        int b1 = buffered.read();
        int b2 = buffered.read();
        buffered.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(buffered, 65536) : buffered;
    }

    /** The most frequent of , ; tab | outside quotes in the first line; a comma when none occurs. */
    static char detectDelimiter(BufferedReader reader) throws IOException {
        int limit = 1 << 20;
        reader.mark(limit);
        int[] counts = new int[4];
        String candidates = ",;\t|";
        boolean quoted = false;
        for (int i = 0, c = reader.read(); i < limit - 1 && c >= 0; i++, c = reader.read()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                int at = candidates.indexOf(c);
                if (at >= 0) {
                    counts[at]++;
                }
            }
        }
        reader.reset();
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return candidates.charAt(best);
    }

    private static BufferedReader withoutBom(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    /** The valid records of one kind waiting to be stored, and what storing them did. */
    private final class Sink {
        final Mapping.Part part;
        final List<Object> chunk = new ArrayList<>();
        long stored;
        long duplicates;

        /** Items and profiles implied by rows of another kind: the last row wins, as in the source's history. */
        final boolean lastWins;

        Sink(Mapping.Part part, boolean lastWins) {
            this.part = part;
            this.lastWins = lastWins;
        }

        @SuppressWarnings("unchecked")
        void flush() {
            if (chunk.isEmpty()) {
                return;
            }
            switch (part.kind) {
                case ITEMS -> storeItems((List<Item>) (List<?>) chunk);
                case EVENTS -> storeEvents((List<Event>) (List<?>) chunk);
                case PROFILES -> storeProfiles((List<Pending>) (List<?>) chunk);
            }
            chunk.clear();
        }

        /** A repeated id within the chunk is a duplicate (the first wins); so is an item equal to the stored one. */
        private void storeItems(List<Item> batch) {
            Map<String, Item> unique = firstById(batch, Item::id);
            Map<String, Item> known = items.findAll(unique.keySet());
            List<Item> changed = new ArrayList<>(unique.size());
            for (Item item : unique.values()) {
                if (same(item, known.get(item.id()))) {
                    duplicates++;
                } else {
                    changed.add(item);
                }
            }
            if (!changed.isEmpty()) {
                items.upsert(changed);
            }
            stored += changed.size();
        }

        private void storeEvents(List<Event> batch) {
            Map<String, Event> unique = firstById(batch, Event::id);
            int added = events.append(unique.values());
            stored += added;
            duplicates += unique.size() - added;
        }

        private void storeProfiles(List<Pending> batch) {
            Map<String, Pending> unique = firstById(batch, Pending::id);
            Instant now = Instant.now();
            List<Profile> changed = new ArrayList<>(unique.size());
            for (Pending p : unique.values()) {
                Optional<Profile> known = profiles.find(p.id());
                if (known.isPresent() && known.get().attributes().equals(p.attributes())) {
                    duplicates++;
                } else {
                    // The store keeps the original created time of a known profile.
                    changed.add(new Profile(p.id(), p.attributes(), now, now));
                }
            }
            if (!changed.isEmpty()) {
                profiles.upsert(changed);
            }
            stored += changed.size();
        }

        private <T> Map<String, T> firstById(List<T> batch, java.util.function.Function<T, String> id) {
            Map<String, T> unique = new LinkedHashMap<>();
            for (T t : batch) {
                T earlier = lastWins ? unique.put(id.apply(t), t) : unique.putIfAbsent(id.apply(t), t);
                if (earlier != null) {
                    duplicates++;
                }
            }
            return unique;
        }
    }

    /** The state of one call. */
    private final class Run {
        private final Mapping mapping;
        private final String source;
        private final Settings settings;
        private final List<Rejection> rejections = new ArrayList<>();
        private final Sink primary;
        /** Storing order: further kinds first. */
        private final List<Sink> sinks = new ArrayList<>();
        private List<String> header = List.of();
        private Map<String, Integer> columns = Map.of();
        private long read;
        private long rejected;
        private long firstUnlisted;

        Run(Mapping mapping, String source, Settings settings) {
            this.mapping = mapping;
            this.source = source;
            this.settings = settings;
            mapping.also.forEach(part -> sinks.add(new Sink(part, true)));
            primary = new Sink(mapping.primary, false);
            sinks.add(primary);
        }

        void parse(CSVParser parser) {
            readHeader(parser.getHeaderNames());
            long previousEnd = parser.getCurrentLineNumber();
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    // Commons CSV cannot go on (an unterminated quote, text after a closing quote, a broken gzip
                    // stream): keep what came before.
                    read++;
                    reject(previousEnd + 1, null, "*", "malformed CSV, parsing stopped here: " + rootMessage(e));
                    break;
                }
                long end = parser.getCurrentLineNumber();
                long line = Math.max(previousEnd + 1, end - newlinesIn(record));
                previousEnd = end;
                read++;
                acceptCsv(record, line);
            }
            flush();
        }

        void parseJsonLines(JsonLines lines) {
            while (true) {
                String line;
                try {
                    line = lines.nextLine();
                } catch (IOException e) {
                    read++;
                    reject(lines.lineNumber() + 1, null, "*", "unreadable, parsing stopped here: " + rootMessage(e));
                    break;
                }
                if (line == null) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                read++;
                long number = lines.lineNumber();
                if (lines.tooLong()) {
                    reject(number, null, "*", "the line is longer than " + (settings.maxFieldLength() * 16)
                            + " characters");
                    continue;
                }
                Map<String, String> values;
                try {
                    values = JsonLines.parseObject(line);
                } catch (BadRecord e) {
                    reject(number, null, e.field, e.getMessage());
                    continue;
                }
                acceptFields(values, number);
            }
            flush();
        }

        /** Records already split into fields (an HTTP body): number = 1-based position. */
        void parseRecords(List<Map<String, Object>> records) {
            long number = 0;
            for (Map<String, Object> record : records) {
                number++;
                read++;
                Map<String, String> values;
                try {
                    values = JsonLines.fields(record);
                } catch (BadRecord e) {
                    reject(number, JsonLines.idOf(record), e.field, e.getMessage());
                    continue;
                }
                acceptFields(values, number);
            }
            flush();
        }

        /** A flat record by lower-case field name (JSON Lines, HTTP): fields too long reject it. */
        private void acceptFields(Map<String, String> values, long number) {
            Row.Source row = JsonLines.source(values);
            for (Map.Entry<String, String> v : values.entrySet()) {
                if (v.getValue() != null && v.getValue().length() > settings.maxFieldLength()) {
                    reject(number, recordId(row, number), v.getKey(), v.getKey() + " is longer than "
                            + settings.maxFieldLength() + " characters (" + v.getValue().length() + ")");
                    return;
                }
            }
            accept(row, number);
        }

        private void readHeader(List<String> names) {
            List<String> normal = new ArrayList<>(names.size());
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i) == null ? "" : names.get(i).replace("\uFEFF", "").strip()
                        .toLowerCase(Locale.ROOT);
                normal.add(n);
                if (!n.isEmpty() && index.putIfAbsent(n, i) != null) {
                    throw new IllegalArgumentException(source + ": column '" + n + "' appears twice in the header");
                }
            }
            for (Mapping.Rule rule : mapping.rules) {
                requireColumn(index, normal, rule.column(), rule.label(), "reject." + rule.name());
            }
            for (Mapping.Part part : mapping.parts()) {
                for (String field : required(part.kind)) {
                    if (part.constants.containsKey(field)) {
                        continue;
                    }
                    List<String> concat = part.concat.get(field);
                    if (concat != null) {
                        for (String p : concat) {
                            if (!p.equals(Mapping.LINE)) {
                                requireColumn(index, normal, p.toLowerCase(Locale.ROOT), p, field);
                            }
                        }
                    } else {
                        requireColumn(index, normal, part.column(field), part.label(field), field);
                    }
                }
                // A column the mapping names explicitly must exist, required or not: a typo would lose data.
                for (Map.Entry<String, String> column : part.columns.entrySet()) {
                    requireColumn(index, normal, column.getValue(), part.labels.get(column.getKey()),
                            column.getKey());
                }
            }
            header = List.copyOf(normal);
            columns = Map.copyOf(index);
        }

        private void requireColumn(Map<String, Integer> index, List<String> normal, String column, String label,
                String forWhat) {
            if (!index.containsKey(column)) {
                throw new IllegalArgumentException(source + ": the header misses the required column '" + label
                        + "'" + (label.equalsIgnoreCase(forWhat) ? "" : " (for " + forWhat + ")") + " (it has "
                        + String.join(",", normal) + ")");
            }
        }

        private void acceptCsv(CSVRecord record, long line) {
            Row.Source row = new Row.Source() {
                @Override
                public String get(String column) {
                    Integer at = columns.get(column);
                    return at == null || at >= record.size() ? null : record.get(at);
                }

                @Override
                public List<String> columns() {
                    return header;
                }
            };
            if (record.size() != header.size()) {
                reject(line, recordId(row, line), "*", "the record has " + record.size() + " fields, the header has "
                        + header.size());
                return;
            }
            for (int i = 0; i < record.size(); i++) {
                int length = record.get(i).length();
                if (length > settings.maxFieldLength()) {
                    String field = header.get(i).isEmpty() ? "column " + (i + 1) : header.get(i);
                    reject(line, recordId(row, line), field, field + " is longer than " + settings.maxFieldLength()
                            + " characters (" + length + ")");
                    return;
                }
            }
            accept(row, line);
        }

        /** The primary record's id for a rejection, cut at 100 characters, or null. */
        private String recordId(Row.Source source, long line) {
            String id;
            try {
                id = new Row(source, mapping.primary, line).optional("id");
            } catch (BadRecord e) {
                // the id as written, when the mapping cannot make one from it
                id = Require.optional(source.get(mapping.primary.column("id")));
            }
            return id != null && id.length() > 100 ? id.substring(0, 100) : id;
        }

        /** A row is stored whole (its event and the item and profile it implies) or rejected whole. */
        private void accept(Row.Source source, long line) {
            for (Mapping.Rule rule : mapping.rules) {
                String value = source.get(rule.column());
                String v = value == null ? "" : value.strip();
                if (rule.pattern().matcher(v).matches()) {
                    reject(line, recordId(source, line), rule.label(), rule.reason() + " (" + rule.label() + " "
                            + Row.quote(v) + ")");
                    return;
                }
            }
            Object[] records = new Object[sinks.size()];
            try {
                // The primary record first, so that its fault is the one reported.
                records[sinks.size() - 1] = build(new Row(source, primary.part, line));
                for (int i = 0; i < sinks.size() - 1; i++) {
                    records[i] = build(new Row(source, sinks.get(i).part, line));
                }
            } catch (BadRecord e) {
                reject(line, recordId(source, line), e.field, e.getMessage());
                return;
            }
            for (int i = 0; i < records.length; i++) {
                sinks.get(i).chunk.add(records[i]);
            }
            if (primary.chunk.size() >= settings.chunkSize()) {
                flush();
            }
        }

        private Object build(Row row) throws BadRecord {
            return switch (row.kind()) {
                case ITEMS -> Mappers.item(row, mapping);
                case EVENTS -> Mappers.event(row, mapping, settings.zone(), pseudonymiser);
                case PROFILES -> new Pending(pseudonymiser.userId(row.id("id")), row.attributes(Mappers.PROFILE_FIELDS));
            };
        }

        private void reject(long line, String recordId, String field, String reason) {
            rejected++;
            if (rejections.size() < settings.maxRejections()) {
                rejections.add(new Rejection(line, recordId, field, reason));
            } else if (firstUnlisted == 0) {
                firstUnlisted = line;
            }
        }

        private void flush() {
            sinks.forEach(Sink::flush);
        }

        String alsoLog() {
            StringBuilder out = new StringBuilder();
            for (Sink sink : sinks) {
                if (sink != primary) {
                    out.append("; ").append(sink.part.kind.name().toLowerCase(Locale.ROOT)).append(" stored ")
                            .append(sink.stored).append(", unchanged ").append(sink.duplicates);
                }
            }
            return out.toString();
        }

        IngestReport report() {
            List<Rejection> listed = new ArrayList<>(rejections);
            if (firstUnlisted > 0) {
                listed.add(new Rejection(firstUnlisted, null, "*",
                        (rejected - rejections.size()) + " more rejected records are not listed"));
            }
            return new IngestReport(source, mapping.primary.kind, read, primary.stored, primary.duplicates, listed);
        }
    }

    private static List<String> required(EntityKind kind) {
        return switch (kind) {
            case ITEMS -> Mappers.ITEM_REQUIRED;
            case EVENTS -> Mappers.EVENT_REQUIRED;
            case PROFILES -> Mappers.PROFILE_REQUIRED;
        };
    }

    /** A valid profile row before its timestamps are set. */
    private record Pending(String id, Map<String, String> attributes) {
    }

    /** Items equal but for the scale of the price (the store gives back 10 for 10.00). */
    static boolean same(Item a, Item b) {
        if (b == null) {
            return false;
        }
        boolean samePrice = a.price() == null ? b.price() == null
                : b.price() != null && a.price().compareTo(b.price()) == 0;
        return samePrice && a.id().equals(b.id()) && a.title().equals(b.title())
                && a.description().equals(b.description()) && a.category().equals(b.category())
                && Objects.equals(a.currency(), b.currency()) && a.available() == b.available()
                && a.language().equals(b.language()) && a.attributes().equals(b.attributes());
    }

    private static long newlinesIn(CSVRecord record) {
        long n = 0;
        for (String value : record) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == value.length() || value.charAt(i + 1) != '\n'))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
