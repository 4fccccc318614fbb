package dev.rialto.store.jdbc.internal;

import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.FileRun;
import dev.rialto.api.ingest.IngestJournal;
import dev.rialto.api.ingest.SourceStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Dead letters, file checkpoints and per-source totals in {@code dead_letters}, {@code ingest_files}, {@code ingest_sources}. */
@Component(name = StoreConfig.PID + ".journal", configurationPid = StoreConfig.PID)
public final class JdbcIngestJournal implements IngestJournal {
    static final String DEAD_LETTER_COLUMNS =
            "source, file, line, record_id, field, reason, raw, user_id, created_at";

    private final DataSource dataSource;
    private volatile Jdbc jdbc;

    @Activate
    public JdbcIngestJournal(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Activate
    public void activate(StoreConfig config) {
        jdbc = Jdbc.activate(dataSource, config, "Ingest journal");
    }

    /** Looks up the origins already kept, then batch-inserts the rest; one transaction per call. */
    @Override
    public int addDeadLetters(Collection<DeadLetter> letters) {
        if (letters == null || letters.isEmpty()) {
            return 0;
        }
        List<DeadLetter> all = List.copyOf(letters);
        String what = "Keeping " + all.size() + " dead letters";
        try {
            return jdbc.inTransaction(what, c -> insertNew(c, all));
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException s) || !Jdbc.isUniqueViolation(s)) {
                throw e;
            }
            return jdbc.inTransaction(what, c -> insertNew(c, all));
        }
    }

    private int insertNew(Connection c, List<DeadLetter> letters) throws SQLException {
        int added = 0;
        try (PreparedStatement known = c.prepareStatement(
                "SELECT line FROM dead_letters WHERE source = ? AND file = ? AND line = ANY(?)");
                PreparedStatement insert = c.prepareStatement("INSERT INTO dead_letters (" + DEAD_LETTER_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (List<DeadLetter> chunk : Jdbc.chunks(letters, jdbc.batchSize)) {
                // letters of one chunk usually share source and file; look each group up once
                Set<String> kept = new HashSet<>();
                java.util.Map<String, List<Long>> byOrigin = new java.util.LinkedHashMap<>();
                for (DeadLetter d : chunk) {
                    byOrigin.computeIfAbsent(d.source() + '\u0000' + file(d), k -> new ArrayList<>()).add(d.line());
                }
                for (var origin : byOrigin.entrySet()) {
                    int at = origin.getKey().indexOf('\u0000');
                    known.setString(1, origin.getKey().substring(0, at));
                    known.setString(2, origin.getKey().substring(at + 1));
                    known.setArray(3, c.createArrayOf("BIGINT", origin.getValue().toArray(new Long[0])));
                    try (ResultSet rs = known.executeQuery()) {
                        while (rs.next()) {
                            kept.add(origin.getKey() + '\u0000' + rs.getLong(1));
                        }
                    }
                }
                boolean any = false;
                for (DeadLetter d : chunk) {
                    if (!kept.add(d.source() + '\u0000' + file(d) + '\u0000' + d.line())) {
                        continue; // kept before, or repeated in this call
                    }
                    insert.setString(1, d.source());
                    insert.setString(2, file(d));
                    insert.setLong(3, d.line());
                    string(insert, 4, d.recordId());
                    insert.setString(5, d.field());
                    insert.setString(6, d.reason());
                    string(insert, 7, d.raw());
                    string(insert, 8, d.userId());
                    insert.setObject(9, Jdbc.toDb(d.at()));
                    insert.addBatch();
                    added++;
                    any = true;
                }
                if (any) {
                    insert.executeBatch();
                }
            }
        }
        return added;
    }

    private static String file(DeadLetter d) {
        return d.file() == null ? "" : d.file();
    }

    @Override
    public List<DeadLetter> deadLetters(String source, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        String sql = "SELECT " + DEAD_LETTER_COLUMNS + " FROM dead_letters"
                + (source == null ? "" : " WHERE source = ?") + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";
        return jdbc.read("Reading dead letters", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (source != null) {
                    ps.setString(i++, source);
                }
                ps.setInt(i, limit);
                List<DeadLetter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(deadLetter(rs));
                    }
                }
                return out;
            }
        });
    }

    static DeadLetter deadLetter(ResultSet rs) throws SQLException {
        String file = rs.getString("file");
        return new DeadLetter(rs.getString("source"), file == null || file.isEmpty() ? null : file,
                rs.getLong("line"), rs.getString("record_id"), rs.getString("field"), rs.getString("reason"),
                rs.getString("raw"), rs.getString("user_id"), Jdbc.instant(rs, "created_at"));
    }

    @Override
    public long countDeadLetters(String source) {
        String sql = "SELECT COUNT(*) FROM dead_letters" + (source == null ? "" : " WHERE source = ?");
        return jdbc.read("Counting dead letters", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (source != null) {
                    ps.setString(1, source);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<FileRun> fileRun(String source, String fingerprint) {
        return jdbc.read("Reading a file's journal", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT source, file, fingerprint, committed, line, stored,"
                    + " duplicates, rejected, state, error, started_at, updated_at FROM ingest_files"
                    + " WHERE source = ? AND fingerprint = ?")) {
                ps.setString(1, source);
                ps.setString(2, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<FileRun>empty();
                    }
                    return Optional.of(new FileRun(rs.getString("source"), rs.getString("file"),
                            rs.getString("fingerprint"), rs.getLong("committed"), rs.getLong("line"),
                            rs.getLong("stored"), rs.getLong("duplicates"), rs.getLong("rejected"),
                            FileRun.State.valueOf(rs.getString("state")), rs.getString("error"),
                            Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "updated_at")));
                }
            }
        });
    }

    /** Update, else insert: portable, and the journal of one file is written by one thread at a time. */
    @Override
    public void saveFileRun(FileRun run) {
        jdbc.inTransaction("Saving a file's journal", c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE ingest_files SET file = ?, committed = ?,"
                    + " line = ?, stored = ?, duplicates = ?, rejected = ?, state = ?, error = ?, started_at = ?,"
                    + " updated_at = ? WHERE source = ? AND fingerprint = ?")) {
                bindRun(update, run);
                update.setString(11, run.source());
                update.setString(12, run.fingerprint());
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ingest_files (file, committed, line,"
                    + " stored, duplicates, rejected, state, error, started_at, updated_at, source, fingerprint)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindRun(insert, run);
                insert.setString(11, run.source());
                insert.setString(12, run.fingerprint());
                insert.executeUpdate();
            }
            return null;
        });
    }

    private static void bindRun(PreparedStatement ps, FileRun run) throws SQLException {
        ps.setString(1, run.file());
        ps.setLong(2, run.committed());
        ps.setLong(3, run.line());
        ps.setLong(4, run.stored());
        ps.setLong(5, run.duplicates());
        ps.setLong(6, run.rejected());
        ps.setString(7, run.state().name());
        string(ps, 8, run.error());
        ps.setObject(9, Jdbc.toDb(run.started()));
        ps.setObject(10, Jdbc.toDb(run.updated()));
    }

    @Override
    public void addToSource(String source, long files, long stored, long duplicates, long rejected, String error) {
        String name = DeadLetter.cut(source, 255);
        String cutError = error == null ? null : DeadLetter.cut(error, DeadLetter.MAX_REASON);
        Object now = Jdbc.toDb(Instant.now());
        String what = "Adding to the totals of a source";
        Jdbc.Work<Void> work = c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE ingest_sources SET files = files + ?,"
                    + " stored = stored + ?, duplicates = duplicates + ?, rejected = rejected + ?, updated_at = ?"
                    + (cutError == null ? "" : ", last_error = ?, last_error_at = ?") + " WHERE source = ?")) {
                update.setLong(1, files);
                update.setLong(2, stored);
                update.setLong(3, duplicates);
                update.setLong(4, rejected);
                update.setObject(5, now);
                int i = 6;
                if (cutError != null) {
                    update.setString(i++, cutError);
                    update.setObject(i++, now);
                }
                update.setString(i, name);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ingest_sources (source, files, stored,"
                    + " duplicates, rejected, last_error, last_error_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, name);
                insert.setLong(2, files);
                insert.setLong(3, stored);
                insert.setLong(4, duplicates);
                insert.setLong(5, rejected);
                string(insert, 6, cutError);
                insert.setObject(7, cutError == null ? null : now);
                insert.setObject(8, now);
                insert.executeUpdate();
            }
            return null;
        };
        try {
            jdbc.inTransaction(what, work);
        } catch (StoreException e) {
            // two first calls of a new source raced on the insert: the row exists now
            if (!(e.getCause() instanceof SQLException s) || !Jdbc.isUniqueViolation(s)) {
                throw e;
            }
            jdbc.inTransaction(what, work);
        }
    }

    @Override
    public List<SourceStatus> sources() {
        return jdbc.read("Reading the ingestion sources", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT source, files, stored, duplicates, rejected,"
                    + " last_error, last_error_at, updated_at FROM ingest_sources ORDER BY source");
                    ResultSet rs = ps.executeQuery()) {
                List<SourceStatus> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new SourceStatus(rs.getString("source"), rs.getLong("files"), rs.getLong("stored"),
                            rs.getLong("duplicates"), rs.getLong("rejected"), rs.getString("last_error"),
                            Jdbc.instant(rs, "last_error_at"), Jdbc.instant(rs, "updated_at")));
                }
                return out;
            }
        });
    }

    static void string(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
