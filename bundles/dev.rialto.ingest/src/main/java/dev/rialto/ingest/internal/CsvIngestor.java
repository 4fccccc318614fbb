package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * CSV ingestion: streams the records, validates each one, stores the valid ones in chunks and reports the rest.
 * A bad record never stops the others; a store failure (the database is down) does, and propagates.
 */
@Component(name = CsvIngestor.PID, configurationPid = CsvIngestor.PID, property = ServiceProperties.BEAN_NAME + "=ingestor")
@Designate(ocd = CsvIngestor.Config.class)
public class CsvIngestor implements Ingestor {
    public static final String PID = "dev.rialto.ingest";
    private static final Logger LOG = LoggerFactory.getLogger(CsvIngestor.class);

    @ObjectClassDefinition(name = "Rialto ingestion", description = "CSV ingestion of items, events and profiles")
    public @interface Config {
        @AttributeDefinition(description = "Time zone of event timestamps written without an offset")
        String zone() default "UTC";

        @AttributeDefinition(description = "Valid records stored per repository call", min = "1")
        int chunkSize() default 1000;

        @AttributeDefinition(description = "Longest field accepted, in characters", min = "1")
        int maxFieldLength() default 65536;

        @AttributeDefinition(description = "Rejections listed in one report; the rest are summed up", min = "1")
        int maxRejections() default 10000;
    }

    private record Settings(ZoneId zone, int chunkSize, int maxFieldLength, int maxRejections) {
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
        settings = new Settings(zone, config.chunkSize(), config.maxFieldLength(), config.maxRejections());
    }

    private static void positive(int value, String property) {
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be at least 1, was " + value);
        }
    }

    @Override
    public IngestReport ingestCsv(String kind, InputStream csv, String source) {
        EntityKind entity = EntityKind.parse(kind);
        Objects.requireNonNull(csv, "csv must not be null");
        String name = source == null || source.isBlank() ? "csv" : source.strip();
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("The ingestor is not activated");
        }
        Run run = new Run(entity, name, s);
        // The caller owns the stream: shield it from the parser's close.
        try (BufferedReader reader = withoutBom(new BufferedReader(new InputStreamReader(
                CloseShieldInputStream.wrap(csv), StandardCharsets.UTF_8)));
                CSVParser parser = format().parse(reader)) {
            run.parse(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + name + " failed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            // Thrown while reading the header row.
            throw new IllegalArgumentException(name + ": the header row is not valid CSV: " + e.getMessage(), e);
        }
        IngestReport report = run.report();
        LOG.info("Ingested {} {}: read {}, stored {}, duplicates {}, rejected {}", name, entity, report.read(),
                report.stored(), report.duplicates(), run.rejected);
        return report;
    }

    private static CSVFormat format() {
        return CSVFormat.RFC4180.builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL) // we report duplicates ourselves
                .get();
    }

    private static BufferedReader withoutBom(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    /** The state of one call. */
    private final class Run {
        private final EntityKind kind;
        private final String source;
        private final Settings settings;
        private final List<Rejection> rejections = new ArrayList<>();
        private List<String> header = List.of();
        private Map<String, Integer> columns = Map.of();
        private final List<Object> chunk = new ArrayList<>();
        private long read;
        private long stored;
        private long duplicates;
        private long rejected;
        private long firstUnlisted;

        Run(EntityKind kind, String source, Settings settings) {
            this.kind = kind;
            this.source = source;
            this.settings = settings;
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
                    // Commons CSV cannot go on (an unterminated quote, text after a closing quote): keep what came before.
                    read++;
                    reject(previousEnd + 1, null, "*", "malformed CSV, parsing stopped here: " + rootMessage(e));
                    break;
                }
                long end = parser.getCurrentLineNumber();
                long line = Math.max(previousEnd + 1, end - newlinesIn(record));
                previousEnd = end;
                read++;
                accept(record, line);
                if (chunk.size() >= settings.chunkSize()) {
                    flush();
                }
            }
            flush();
        }

        private void readHeader(List<String> names) {
            List<String> normal = new ArrayList<>(names.size());
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i) == null ? "" : names.get(i).replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT);
                normal.add(n);
                if (!n.isEmpty() && index.putIfAbsent(n, i) != null) {
                    throw new IllegalArgumentException(source + ": column '" + n + "' appears twice in the header");
                }
            }
            List<String> required = switch (kind) {
                case ITEMS -> Mappers.ITEM_REQUIRED;
                case EVENTS -> Mappers.EVENT_REQUIRED;
                case PROFILES -> Mappers.PROFILE_REQUIRED;
            };
            for (String column : required) {
                if (!index.containsKey(column)) {
                    throw new IllegalArgumentException(source + ": the header misses the required column '" + column
                            + "' (it has " + String.join(",", normal) + ")");
                }
            }
            header = List.copyOf(normal);
            columns = Map.copyOf(index);
        }

        private void accept(CSVRecord record, long line) {
            Row row = new Row(record, columns);
            String recordId = row.optional("id");
            if (recordId != null && recordId.length() > 100) {
                recordId = recordId.substring(0, 100);
            }
            if (record.size() != header.size()) {
                reject(line, recordId, "*", "the record has " + record.size() + " fields, the header has "
                        + header.size());
                return;
            }
            for (int i = 0; i < record.size(); i++) {
                int length = record.get(i).length();
                if (length > settings.maxFieldLength()) {
                    String field = header.get(i).isEmpty() ? "column " + (i + 1) : header.get(i);
                    reject(line, recordId, field, field + " is longer than " + settings.maxFieldLength()
                            + " characters (" + length + ")");
                    return;
                }
            }
            try {
                chunk.add(switch (kind) {
                    case ITEMS -> Mappers.item(row, header);
                    case EVENTS -> Mappers.event(row, settings.zone(), pseudonymiser);
                    case PROFILES -> new Pending(pseudonymiser.userId(row.id("id")),
                            Mappers.profileAttributes(row, header));
                });
            } catch (BadRecord e) {
                reject(line, recordId, e.field, e.getMessage());
            }
        }

        private void reject(long line, String recordId, String field, String reason) {
            rejected++;
            if (rejections.size() < settings.maxRejections()) {
                rejections.add(new Rejection(line, recordId, field, reason));
            } else if (firstUnlisted == 0) {
                firstUnlisted = line;
            }
        }

        @SuppressWarnings("unchecked")
        private void flush() {
            if (chunk.isEmpty()) {
                return;
            }
            switch (kind) {
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
                if (unique.putIfAbsent(id.apply(t), t) != null) {
                    duplicates++;
                }
            }
            return unique;
        }

        IngestReport report() {
            List<Rejection> listed = new ArrayList<>(rejections);
            if (firstUnlisted > 0) {
                listed.add(new Rejection(firstUnlisted, null, "*",
                        (rejected - rejections.size()) + " more rejected records are not listed"));
            }
            return new IngestReport(source, kind, read, stored, duplicates, listed);
        }
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
