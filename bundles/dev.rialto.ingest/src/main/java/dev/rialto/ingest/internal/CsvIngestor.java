package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.Require;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.FileIngestor;
import dev.rialto.api.ingest.FileRun;
import dev.rialto.api.ingest.IngestJournal;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.RecordIngestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
@Component(name = CsvIngestor.PID, configurationPid = CsvIngestor.PID,
        service = {Ingestor.class, RecordIngestor.class, FileIngestor.class},
        property = ServiceProperties.BEAN_NAME + "=ingestor")
@Designate(ocd = CsvIngestor.Config.class)
public class CsvIngestor implements Ingestor, RecordIngestor, FileIngestor {
    public static final String PID = "dev.rialto.ingest";
    /** Bytes of a file hashed into its fingerprint. */
    static final int FINGERPRINT_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(CsvIngestor.class);
    private static final int PSEUDONYMS_PER_RUN = 100_000;

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

        @AttributeDefinition(description = "Folder of the dead-letter files (<source>/<date>.jsonl); empty means"
                + " ${karaf.data}/rialto/dead-letters")
        String deadLetterDir() default "";

        @AttributeDefinition(description = "Days a dead-letter file is kept", min = "1")
        int deadLetterDays() default 30;

        @AttributeDefinition(description = "Threads storing the chunks of one file of events while it is parsed;"
                + " files that also imply items or profiles are stored by one, in order", min = "1")
        int writers() default 2;
    }

    private record Settings(ZoneId zone, int chunkSize, int maxFieldLength, int maxRejections, Mappings mappings,
            DeadLetterFiles files, int writers) {
    }

    private final ItemRepository items;
    private final EventRepository events;
    private final ProfileRepository profiles;
    /** Null: no journal (tests without a store): no dead-letter table, no checkpoints, no totals. */
    private final IngestJournal journal;
    /** Null: ids and attributes are stored as given (tests). */
    private final PrivacyGuard privacy;
    private volatile Settings settings;

    @Activate
    public CsvIngestor(@Reference(name = "items") ItemRepository items,
            @Reference(name = "events") EventRepository events,
            @Reference(name = "profiles") ProfileRepository profiles,
            @Reference(name = "journal") IngestJournal journal,
            @Reference(name = "privacy") PrivacyGuard privacy) {
        this.items = items;
        this.events = events;
        this.profiles = profiles;
        this.journal = journal;
        this.privacy = privacy;
    }

    /** Without journal and privacy: records are stored as given (unit tests of parsing and mapping). */
    CsvIngestor(ItemRepository items, EventRepository events, ProfileRepository profiles) {
        this(items, events, profiles, null, null);
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
        positive(config.deadLetterDays(), "deadLetterDays");
        positive(config.writers(), "writers");
        settings = new Settings(zone, config.chunkSize(), config.maxFieldLength(), config.maxRejections(),
                new Mappings(mappingsDir(config.mappingsDir())),
                new DeadLetterFiles(deadLetterDir(config.deadLetterDir()), config.deadLetterDays()),
                config.writers());
    }

    /** The configured folder, else ${karaf.data}/rialto/dead-letters; null (no files) outside Karaf. */
    private static Path deadLetterDir(String configured) {
        String dir = configured == null ? "" : configured.strip();
        if (!dir.isEmpty()) {
            return Path.of(dir);
        }
        String data = System.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "rialto", "dead-letters");
    }

    String userId(String raw) {
        return privacy == null ? raw : privacy.userId(raw);
    }

    Map<String, String> protect(Map<String, String> attributes) {
        return privacy == null ? attributes : privacy.protect(attributes);
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
        return ingest(kind, data, source, null);
    }

    @Override
    public IngestReport ingestFile(Path file, String kind, FileIngestor.Progress progress) {
        Objects.requireNonNull(file, "file must not be null");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("file " + file + " does not exist or cannot be read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            CountingInputStream counting = new CountingInputStream(in);
            Progress tick = progress == null ? null : records -> progress.update(counting.count(), size, records);
            IngestReport report = ingest(kind, counting, file.getFileName().toString(), tick);
            if (progress != null) {
                progress.update(size, size, report.read());
            }
            return report;
        } catch (IOException e) {
            throw new IllegalArgumentException("file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Called every few thousand records with the number read. */
    @FunctionalInterface
    interface Progress {
        void records(long read);
    }

    /**
     * One file or stream: journalled under the mapping's name (the source) and the name (the file), keyed by a
     * fingerprint of its first MiB, so that a run interrupted by a crash resumes after its last checkpoint.
     */
    IngestReport ingest(String kind, InputStream data, String source, Progress progress) {
        Objects.requireNonNull(data, "csv must not be null");
        String name = source == null || source.isBlank() ? "csv" : source.strip();
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("The ingestor is not activated");
        }
        Mapping mapping;
        try {
            mapping = s.mappings().resolve(kind);
        } catch (RuntimeException e) {
            failed(kind == null || kind.isBlank() ? "unknown" : kind.strip(), e);
            throw e;
        }
        Format format = mapping.format != null ? mapping.format : Format.ofName(name);
        BufferedInputStream buffered = new BufferedInputStream(CloseShieldInputStream.wrap(data), FINGERPRINT_BYTES);
        Run run;
        try {
            run = new Run(mapping, name, s, mapping.name, name, fingerprint(buffered, name));
        } catch (IOException e) {
            failed(mapping.name, e);
            throw new UncheckedIOException("Reading " + name + " failed: " + e.getMessage(), e);
        }
        run.progress = progress;
        run.storeInBackground();
        try {
            parseStream(run, buffered, mapping, format, name, s);
            run.stopWriter();
        } catch (RuntimeException e) {
            run.fail(e);
            throw e;
        } finally {
            run.abandonWriter();
        }
        IngestReport report = run.finish();
        LOG.info("Ingested {} with mapping {} ({}): read {}, stored {}, duplicates {}, rejected {}{}{}", name,
                mapping.name, format, report.read(), report.stored(), report.duplicates(), run.rejected,
                run.alsoLog(), run.resumedLog());
        return report;
    }

    private void failed(String source, Exception e) {
        if (journal != null) {
            try {
                journal.addToSource(source, 0, 0, 0, 0, rootMessage(e));
            } catch (RuntimeException storeDown) {
                LOG.warn("Could not record the failure of source {} in the journal: {}", source, storeDown.getMessage());
            }
        }
    }

    /** SHA-256 of the name and the first MiB (raw bytes, before gzip): the same file gets the same journal. */
    private static String fingerprint(BufferedInputStream in, String name) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        in.mark(FINGERPRINT_BYTES);
        byte[] buffer = new byte[8192];
        int total = 0;
        while (total < FINGERPRINT_BYTES) {
            int n = in.read(buffer, 0, Math.min(buffer.length, FINGERPRINT_BYTES - total));
            if (n < 0) {
                break;
            }
            sha.update(buffer, 0, n);
            total += n;
        }
        in.reset();
        return HexFormat.of().formatHex(sha.digest());
    }

    private void parseStream(Run run, InputStream data, Mapping mapping, Format format, String name, Settings s) {
        try (BufferedReader reader = withoutBom(new BufferedReader(new InputStreamReader(
                decompressed(data), mapping.charset), 65536))) {
            if (format == Format.JSONL) {
                run.parseJsonLines(new JsonLines(reader, s.maxFieldLength() * 16));
            } else {
                char delimiter = mapping.delimiter != null ? mapping.delimiter
                        : format == Format.TSV ? '\t' : detectDelimiter(reader);
                try (CSVParser parser = format(delimiter).parse(reader)) {
                    run.delimiter = delimiter;
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
        Run run = new Run(mapping, name, s, name, null, null);
        if (records.size() > s.chunkSize()) {
            // a big batch (an export posted in 10,000s): its chunks are stored by writer threads, as a file's
            run.storeInBackground();
        }
        try {
            run.parseRecords(records);
            run.stopWriter();
        } catch (RuntimeException e) {
            run.fail(e);
            throw e;
        } finally {
            run.abandonWriter();
        }
        IngestReport report = run.finish();
        // Web shops post small batches all day: one line per call only when asked for.
        LOG.debug("Ingested {} with mapping {} (records): read {}, stored {}, duplicates {}, rejected {}{}", name,
                mapping.name, report.read(), report.stored(), report.duplicates(), run.rejected, run.alsoLog());
        return report;
    }

    @Override
    public IngestReport ingestMessage(String kind, String json, String source, String partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        String name = source == null || source.isBlank() ? "message" : source.strip();
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("The ingestor is not activated");
        }
        Mapping mapping = s.mappings().resolve(kind);
        String file = partition == null || partition.isBlank() ? "partition" : "partition-" + partition.strip();
        Run run = new Run(mapping, name, s, name, file, null);
        try {
            run.parseMessage(JsonLines.message(json), file, offset);
        } catch (RuntimeException e) {
            run.fail(e);
            throw e;
        }
        IngestReport report = run.finish();
        LOG.debug("Ingested a message of {} ({} offset {}) with mapping {}: read {}, stored {}, duplicates {},"
                + " rejected {}", name, file, offset, mapping.name, report.read(), report.stored(),
                report.duplicates(), run.rejected);
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

        /** The pending records, handed over; the chunk starts empty again. */
        List<Object> take() {
            List<Object> taken = List.copyOf(chunk);
            chunk.clear();
            return taken;
        }

        /**
         * Stores one chunk; returns {stored, duplicates}. Writer threads may store chunks of one sink at the same
         * time: the counts are added to the sink's totals in chunk order, by {@link Run#committedInOrder}.
         */
        @SuppressWarnings("unchecked")
        long[] store(List<Object> records) {
            if (records.isEmpty()) {
                return new long[2];
            }
            return switch (part.kind) {
                case ITEMS -> storeItems((List<Item>) (List<?>) records);
                case EVENTS -> storeEvents((List<Event>) (List<?>) records);
                case PROFILES -> storeProfiles((List<Pending>) (List<?>) records);
            };
        }

        /** A repeated id within the chunk is a duplicate (the first wins); so is an item equal to the stored one. */
        private long[] storeItems(List<Item> batch) {
            long[] counts = new long[2];
            Map<String, Item> unique = firstById(batch, Item::id, counts);
            Map<String, Item> known = items.findAll(unique.keySet());
            List<Item> changed = new ArrayList<>(unique.size());
            for (Item item : unique.values()) {
                if (same(item, known.get(item.id()))) {
                    counts[1]++;
                } else {
                    changed.add(item);
                }
            }
            if (!changed.isEmpty()) {
                items.upsert(changed);
            }
            counts[0] = changed.size();
            return counts;
        }

        private long[] storeEvents(List<Event> batch) {
            long[] counts = new long[2];
            Map<String, Event> unique = firstById(batch, Event::id, counts);
            int added = events.append(unique.values());
            counts[0] = added;
            counts[1] += unique.size() - added;
            return counts;
        }

        private long[] storeProfiles(List<Pending> batch) {
            long[] counts = new long[2];
            Map<String, Pending> unique = firstById(batch, Pending::id, counts);
            Instant now = Instant.now();
            List<Profile> changed = new ArrayList<>(unique.size());
            for (Pending p : unique.values()) {
                Optional<Profile> known = profiles.find(p.id());
                if (known.isPresent() && sameProfile(known.get(), p)) {
                    counts[1]++;
                } else {
                    // The store keeps the original created time of a known profile.
                    changed.add(new Profile(p.id(), p.attributes(), p.consent(), now, now));
                }
            }
            if (!changed.isEmpty()) {
                profiles.upsert(changed);
            }
            counts[0] = changed.size();
            return counts;
        }

        private <T> Map<String, T> firstById(List<T> batch, java.util.function.Function<T, String> id,
                long[] counts) {
            Map<String, T> unique = new LinkedHashMap<>();
            for (T t : batch) {
                T earlier = lastWins ? unique.put(id.apply(t), t) : unique.putIfAbsent(id.apply(t), t);
                if (earlier != null) {
                    counts[1]++;
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
        /** The journal's names: the source (a mapping, or http:...) and the file (null for record batches). */
        private final String journalSource;
        /** The file, or the partition of a message (then one per record of it, to keep dead letters apart). */
        private String file;
        /** Null: not journalled as a file (record batches). */
        private final String fingerprint;
        private FileRun previous;
        /** Records up to this line were committed by an earlier, interrupted run: skipped. */
        private long resumeAfter;
        private long skipped;
        private long lastLine;
        private final Instant started = Instant.now();
        private final List<DeadLetter> letters = new ArrayList<>();
        private final Map<String, String> pseudonyms = new HashMap<>();
        Progress progress;
        char delimiter = ',';
        private final List<Rejection> rejections = new ArrayList<>();
        private final Sink primary;
        /** Storing order: further kinds first. */
        private final List<Sink> sinks = new ArrayList<>();
        private List<String> header = List.of();
        private Map<String, Integer> columns = Map.of();
        private long read;
        private long rejected;
        private long firstUnlisted;
        /** Where the last committed chunk ended: what a failure may checkpoint (never past an uncommitted record). */
        private volatile Position committed;
        /** Null: each chunk is stored by the parsing thread; else the thread that stores while the next is parsed. */
        private ExecutorService writer;
        /** The writer threads. */
        private int writers = 1;
        /** Per chunk handed to the writers, oldest first: done when it is stored, its letters kept, checkpointed. */
        private final ArrayDeque<CompletableFuture<Void>> writing = new ArrayDeque<>();
        /** The event ids of each chunk in {@link #writing}, when there are several writers. */
        private final ArrayDeque<Set<String>> writingIds = new ArrayDeque<>();
        /** The newest of {@link #writing}: the next chunk's ordered step waits for it. */
        private CompletableFuture<Void> newest = CompletableFuture.completedFuture(null);

        Run(Mapping mapping, String source, Settings settings, String journalSource, String file,
                String fingerprint) {
            this.mapping = mapping;
            this.source = source;
            this.settings = settings;
            this.journalSource = journalSource;
            this.file = file;
            this.fingerprint = journal == null ? null : fingerprint;
            mapping.also.forEach(part -> sinks.add(new Sink(part, true)));
            primary = new Sink(mapping.primary, false);
            sinks.add(primary);
            committed = new Position(0, 0, 0);
            if (this.fingerprint != null) {
                previous = journal.fileRun(journalSource, this.fingerprint).orElse(null);
                if (previous != null && previous.state() != FileRun.State.DONE) {
                    // An interrupted run: what it committed stays committed; go on after it.
                    resumeAfter = previous.line();
                    read = previous.committed();
                    rejected = previous.rejected();
                    primary.stored = previous.stored();
                    primary.duplicates = previous.duplicates();
                    committed = new Position(read, resumeAfter, rejected);
                    LOG.info("Resuming {} ({}) after line {}: {} records were committed before", file,
                            journalSource, resumeAfter, previous.committed());
                }
                checkpoint(FileRun.State.RUNNING, null, committed);
            }
        }

        /** Whether the record at this line was committed by an interrupted run (then it is skipped). */
        private boolean resumed(long line) {
            if (line <= resumeAfter) {
                skipped++;
                return true;
            }
            lastLine = line;
            return false;
        }

        private void tick() {
            if (progress != null && (read & 1023) == 0) {
                progress.records(read);
            }
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
                    lastLine = Math.max(lastLine, previousEnd + 1);
                    reject(previousEnd + 1, null, "*", "malformed CSV, parsing stopped here: " + rootMessage(e), null,
                            null);
                    break;
                }
                long end = parser.getCurrentLineNumber();
                long line = Math.max(previousEnd + 1, end - newlinesIn(record));
                previousEnd = end;
                if (resumed(line)) {
                    continue;
                }
                read++;
                tick();
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
                    lastLine = Math.max(lastLine, lines.lineNumber() + 1);
                    reject(lines.lineNumber() + 1, null, "*", "unreadable, parsing stopped here: " + rootMessage(e),
                            null, null);
                    break;
                }
                if (line == null) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                long number = lines.lineNumber();
                if (resumed(number)) {
                    continue;
                }
                read++;
                tick();
                if (lines.tooLong()) {
                    reject(number, null, "*", "the line is longer than " + (settings.maxFieldLength() * 16)
                            + " characters", line, null);
                    continue;
                }
                Map<String, String> values;
                try {
                    values = JsonLines.parseObject(line);
                } catch (BadRecord e) {
                    reject(number, null, e.field, e.getMessage(), line, null);
                    continue;
                }
                acceptFields(values, number, line);
            }
            flush();
        }

        /**
         * The records of one message: dead letters carry the offset as their line and the partition as their file
         * ({@code partition-0}, then {@code partition-0#2} for the second record of the same message).
         */
        void parseMessage(List<JsonLines.MessageRecord> records, String partition, long offset) {
            int index = 0;
            for (JsonLines.MessageRecord record : records) {
                index++;
                file = index == 1 ? partition : partition + "#" + index;
                read++;
                lastLine = offset;
                if (record.fault() != null) {
                    reject(offset, null, record.fault().field, record.fault().getMessage(), record.text(), null);
                    continue;
                }
                acceptFields(record.values(), offset, record.text());
            }
            flush();
        }

        /** Records already split into fields (an HTTP body): number = 1-based position. */
        void parseRecords(List<Map<String, Object>> records) {
            long number = 0;
            for (Map<String, Object> record : records) {
                number++;
                read++;
                lastLine = number;
                Map<String, String> values;
                try {
                    values = JsonLines.fields(record);
                } catch (BadRecord e) {
                    reject(number, JsonLines.idOf(record), e.field, e.getMessage(), JsonLines.raw(record), null);
                    continue;
                }
                acceptFields(values, number, null);
            }
            flush();
        }

        /** A flat record by lower-case field name (JSON Lines, HTTP): fields too long reject it. */
        private void acceptFields(Map<String, String> values, long number, String rawLine) {
            Row.Source row = JsonLines.source(values, rawLine);
            for (Map.Entry<String, String> v : values.entrySet()) {
                if (v.getValue() != null && v.getValue().length() > settings.maxFieldLength()) {
                    reject(number, recordId(row, number), v.getKey(), v.getKey() + " is longer than "
                            + settings.maxFieldLength() + " characters (" + v.getValue().length() + ")", row);
                    return;
                }
                if (v.getValue() != null && badText(v.getValue())) {
                    reject(number, recordId(row, number), v.getKey(), v.getKey() + BAD_TEXT
                            + mapping.charset.name() + ", or NUL)", row);
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

                @Override
                public String raw() {
                    return csvLine(record, delimiter);
                }
            };
            if (record.size() != header.size()) {
                reject(line, recordId(row, line), "*", "the record has " + record.size() + " fields, the header has "
                        + header.size(), row);
                return;
            }
            for (int i = 0; i < record.size(); i++) {
                String value = record.get(i);
                String field = header.get(i).isEmpty() ? "column " + (i + 1) : header.get(i);
                if (value.length() > settings.maxFieldLength()) {
                    reject(line, recordId(row, line), field, field + " is longer than " + settings.maxFieldLength()
                            + " characters (" + value.length() + ")", row);
                    return;
                }
                if (badText(value)) {
                    reject(line, recordId(row, line), field, field + BAD_TEXT + mapping.charset.name() + ", or NUL)", row);
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
                            + Row.quote(v) + ")", source);
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
                reject(line, recordId(source, line), e.field, e.getMessage(), source);
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
                case EVENTS -> Mappers.event(row, mapping, settings.zone(), this::pseudonym);
                case PROFILES -> new Pending(pseudonym(row.id("id")), protect(row.attributes(Mappers.PROFILE_FIELDS)),
                        Mappers.consent(row));
            };
        }

        /**
         * The stored id of a source's user id, remembered for the run: a user's rows repeat, and the HMAC (and the
         * hash of a new string in every map the event meets after it) cost more than a look-up. Bounded, and gone
         * with the run.
         */
        private String pseudonym(String raw) {
            String known = pseudonyms.get(raw);
            if (known == null) {
                if (pseudonyms.size() >= PSEUDONYMS_PER_RUN) {
                    pseudonyms.clear();
                }
                known = userId(raw);
                pseudonyms.put(raw, known);
            }
            return known;
        }

        /** A rejection of a record that was read: its raw text and its user come from the row. */
        private void reject(long line, String recordId, String field, String reason, Row.Source row) {
            reject(line, recordId, field, reason, row.raw(), userOf(row, line));
        }

        /** The stored id of the user a rejected record names, when it can be read (so that forget finds it). */
        private String userOf(Row.Source row, long line) {
            Mapping.Part part = mapping.primary.kind == EntityKind.ITEMS ? null : mapping.primary;
            if (part == null) {
                return null;
            }
            try {
                String raw = new Row(row, part, line).optional(part.kind == EntityKind.EVENTS ? "user" : "id");
                return raw == null || raw.length() > Row.MAX_ID_LENGTH ? null : pseudonym(raw);
            } catch (BadRecord | RuntimeException e) {
                return null;
            }
        }

        private void reject(long line, String recordId, String field, String reason, String raw, String user) {
            rejected++;
            if (rejections.size() < settings.maxRejections()) {
                // a message at offset 0: reports count from 1, the dead letter keeps the offset
                rejections.add(new Rejection(Math.max(1, line), recordId, field, reason));
            } else if (firstUnlisted == 0) {
                firstUnlisted = line;
            }
            if (journal != null || settings.files().enabled()) {
                letters.add(new DeadLetter(journalSource, file, line, recordId, field, reason, raw, user,
                        Instant.now()));
                if (letters.size() >= settings.chunkSize()) {
                    flush(); // a file of bad records must not pile up in memory
                }
            }
        }

        /**
         * Stores the pending records, then keeps the dead letters, then writes the checkpoint: a crash at any point
         * repeats at most the work since the last checkpoint, and every step is idempotent. With writer threads the
         * parsing goes on meanwhile, and a file of events has two chunks stored at once (events are independent
         * of each other); the dead letters, the counts and the checkpoint of each chunk still follow in chunk
         * order, after its commit and the checkpoint of the chunk before, so the journal's checkpoint never passes
         * a record that is not committed.
         */
        private void flush() {
            List<List<Object>> records = new ArrayList<>(sinks.size());
            for (Sink sink : sinks) {
                records.add(sink.take());
            }
            List<DeadLetter> batch = List.copyOf(letters);
            letters.clear();
            Position at = new Position(read, Math.max(lastLine, resumeAfter), rejected);
            if (writer == null) {
                committedInOrder(storeRecords(records), batch, at);
            } else {
                while (writing.size() >= inFlight()) {
                    awaitOldest();
                }
                if (writers > 1) {
                    // Two transactions inserting the same ids in opposite orders would wait on each other's row
                    // locks (a repeated line in the next chunk, say): such a chunk waits for the ones in flight.
                    Set<String> ids = new HashSet<>();
                    for (Object e : records.get(0)) {
                        ids.add(((Event) e).id());
                    }
                    for (Set<String> other : writingIds) {
                        if (!java.util.Collections.disjoint(ids, other)) {
                            awaitWriting();
                            break;
                        }
                    }
                    writingIds.add(ids);
                }
                CompletableFuture<long[][]> stored = CompletableFuture.supplyAsync(() -> storeRecords(records),
                        writer);
                newest = stored.thenCombine(newest, (counts, before) -> counts)
                        .thenAccept(counts -> committedInOrder(counts, batch, at));
                writing.add(newest);
            }
            if (progress != null) {
                progress.records(read);
            }
        }

        private long[][] storeRecords(List<List<Object>> records) {
            long[][] counts = new long[sinks.size()][];
            for (int i = 0; i < sinks.size(); i++) {
                counts[i] = sinks.get(i).store(records.get(i));
            }
            return counts;
        }

        /** After the chunk committed and the chunk before went through here: counts, dead letters, checkpoint. */
        private void committedInOrder(long[][] counts, List<DeadLetter> batch, Position at) {
            for (int i = 0; i < sinks.size(); i++) {
                sinks.get(i).stored += counts[i][0];
                sinks.get(i).duplicates += counts[i][1];
            }
            if (!batch.isEmpty()) {
                if (journal != null) {
                    journal.addDeadLetters(batch);
                }
                settings.files().append(batch);
            }
            if (fingerprint != null) {
                checkpoint(FileRun.State.RUNNING, null, at);
            }
            committed = at;
        }

        /**
         * Stores in threads of their own from now on (files: parsing and storing then share the cores): one for a
         * mapping that also implies items or profiles (whose last version must win, in order), else
         * {@code writers}.
         */
        void storeInBackground() {
            writers = mapping.also.isEmpty() && mapping.primary.kind == EntityKind.EVENTS ? settings.writers() : 1;
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            writer = Executors.newFixedThreadPool(writers, task -> {
                Thread t = new Thread(task, "rialto-ingest-writer " + journalSource + " #" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        /**
         * Chunks handed over at most: with several writers, twice as many as writers. The parser waits for the
         * oldest chunk (its checkpoint follows file order), and a writer that finished a younger one would otherwise
         * idle until then (JFR of the file route: the writers parked 16% of the run waiting for a chunk).
         */
        private int inFlight() {
            return writers > 1 ? 2 * writers : 1;
        }

        /** Waits for the oldest chunk in flight; its failure (the store is down, an Error) is the run's failure. */
        private void awaitOldest() {
            CompletableFuture<Void> oldest = writing.poll();
            if (oldest == null) {
                return;
            }
            writingIds.poll();
            try {
                oldest.join(); // never interrupt a store: H2 closes its file on an interrupt
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("Storing " + source + " failed: " + rootMessage(cause), cause);
            }
        }

        /** Waits for every chunk in flight. */
        private void awaitWriting() {
            while (!writing.isEmpty()) {
                awaitOldest();
            }
        }

        /** Lets the writer threads end without waiting (after an Error). */
        void abandonWriter() {
            if (writer != null) {
                writer.shutdown();
                writer = null;
                writing.clear();
                writingIds.clear();
            }
        }

        /** Waits for the last chunk and ends the writer thread; idempotent. */
        void stopWriter() {
            if (writer == null) {
                return;
            }
            try {
                awaitWriting();
            } finally {
                writer.shutdown();
                writer = null;
            }
        }

        private void checkpoint(FileRun.State state, String error, Position at) {
            Instant now = Instant.now();
            journal.saveFileRun(new FileRun(journalSource, file, fingerprint, at.read(), at.line(),
                    primary.stored, primary.duplicates, at.rejected(), state, error,
                    previous == null ? started : previous.started(), now));
        }

        /**
         * The whole file or batch failed (the store is down, the header is wrong): journal why, if we can, with the
         * position of the last committed chunk, so that a retry stores what this run did not.
         */
        void fail(Exception e) {
            if (writer != null) {
                try {
                    while (!writing.isEmpty()) {
                        try {
                            awaitOldest(); // each chunk in flight ends, committed or not, before the journal says
                        } catch (RuntimeException | Error alsoFailed) {
                            LOG.debug("A chunk being stored when {} failed did not commit either", source, alsoFailed);
                        }
                    }
                } finally {
                    abandonWriter();
                }
            }
            if (journal == null) {
                return;
            }
            try {
                if (fingerprint != null) {
                    checkpoint(FileRun.State.FAILED, rootMessage(e), committed);
                }
                journal.addToSource(journalSource, 0, 0, 0, 0, rootMessage(e));
            } catch (RuntimeException storeDown) {
                LOG.warn("Could not journal the failure of {} ({}): {}", source, journalSource,
                        storeDown.getMessage());
            }
        }

        /** Everything committed: the file is done. */
        IngestReport finish() {
            stopWriter();
            IngestReport report = report();
            if (journal != null) {
                if (fingerprint != null) {
                    checkpoint(FileRun.State.DONE, null, new Position(read, Math.max(lastLine, resumeAfter),
                            rejected));
                }
                // An interrupted run added nothing to the totals: the whole file counts now, once.
                journal.addToSource(journalSource, 1, primary.stored, primary.duplicates, rejected, null);
            }
            return report;
        }

        String resumedLog() {
            return resumeAfter > 0 ? "; resumed after line " + resumeAfter + " (" + skipped + " records skipped)"
                    : "";
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

    /** How far a run has read: records, the last line, rejections (a checkpoint's position). */
    private record Position(long read, long line, long rejected) {
    }

    /** A valid profile row before its timestamps are set. */
    private record Pending(String id, Map<String, String> attributes, Consent consent) {
    }

    /**
     * Unchanged: same attributes and consent. Encrypted personal fields differ at each encryption (a fresh IV), so
     * a profile with encrypted fields is rewritten whenever it arrives again; that is cheap and keeps it current.
     */
    private static boolean sameProfile(Profile known, Pending p) {
        return known.attributes().equals(p.attributes()) && known.consent().equals(p.consent());
    }

    /** The record as a CSV line with the file's delimiter, for a dead letter. */
    static String csvLine(CSVRecord record, char delimiter) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < record.size() && out.length() <= DeadLetter.MAX_RAW; i++) {
            if (i > 0) {
                out.append(delimiter);
            }
            String v = record.get(i);
            if (v.indexOf(delimiter) >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                out.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                out.append(v);
            }
        }
        return out.toString();
    }

    private static final String BAD_TEXT = " is not valid text (bytes that are not valid ";

    /**
     * Bytes the charset cannot decode (the decoder put U+FFFD there) or NUL characters: the record is rejected
     * rather than stored with a damaged value.
     */
    static boolean badText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\uFFFD' || c == 0) {
                return true;
            }
        }
        return false;
    }

    /** Counts the bytes read, for the progress of a file. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
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
                && a.language().equals(b.language()) && a.attributes().equals(b.attributes())
                && Objects.equals(a.brand(), b.brand());
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
