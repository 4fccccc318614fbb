package dev.rialto.store.jdbc.internal;

import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Profiles in the {@code profiles} table. */
@Component(name = StoreConfig.PID + ".profiles", configurationPid = StoreConfig.PID)
public final class JdbcProfileRepository implements ProfileRepository {
    static final String SELECT = "SELECT id, attributes, created_at, updated_at, consent_personalisation,"
            + " consent_email, consent_ads FROM profiles";
    private final DataSource dataSource;
    private volatile Jdbc jdbc;

    @Activate
    public JdbcProfileRepository(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Activate
    public void activate(StoreConfig config) {
        jdbc = Jdbc.activate(dataSource, config, "Profile repository");
    }

    /** Known ids are updated (their {@code created_at} kept), new ones inserted; one transaction. */
    @Override
    public void upsert(Collection<Profile> profiles) {
        if (profiles == null || profiles.isEmpty()) {
            return;
        }
        Map<String, Profile> byId = new LinkedHashMap<>();
        for (Profile p : profiles) {
            byId.put(p.id(), p);
        }
        List<Profile> distinct = List.copyOf(byId.values());
        jdbc.inTransaction("Upserting " + distinct.size() + " profiles", c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE profiles SET attributes = ?, updated_at = ?, consent_personalisation = ?,"
                            + " consent_email = ?, consent_ads = ? WHERE id = ?");
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO profiles (id, attributes, created_at, updated_at, consent_personalisation,"
                            + " consent_email, consent_ads) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (List<Profile> chunk : Jdbc.chunks(distinct, jdbc.batchSize)) {
                    Map<String, Instant> created = new HashMap<>();
                    try (PreparedStatement known = c.prepareStatement(
                            "SELECT id, created_at FROM profiles WHERE id = ANY(?)")) {
                        known.setArray(1, Jdbc.idArray(c, chunk.stream().map(Profile::id).toList()));
                        try (ResultSet rs = known.executeQuery()) {
                            while (rs.next()) {
                                created.put(rs.getString(1), Jdbc.instant(rs, "created_at"));
                            }
                        }
                    }
                    boolean updates = false;
                    boolean inserts = false;
                    for (Profile p : chunk) {
                        Instant first = created.get(p.id());
                        if (first != null) {
                            // Never let updated_at fall before the kept created_at.
                            Instant updated = p.updated().isBefore(first) ? first : p.updated();
                            update.setString(1, FlatJson.write(p.attributes()));
                            update.setObject(2, Jdbc.toDb(updated));
                            consent(update, 3, p.consent());
                            update.setString(6, p.id());
                            update.addBatch();
                            updates = true;
                        } else {
                            insert.setString(1, p.id());
                            insert.setString(2, FlatJson.write(p.attributes()));
                            insert.setObject(3, Jdbc.toDb(p.created()));
                            insert.setObject(4, Jdbc.toDb(p.updated()));
                            consent(insert, 5, p.consent());
                            insert.addBatch();
                            inserts = true;
                        }
                    }
                    if (updates) {
                        update.executeBatch();
                    }
                    if (inserts) {
                        insert.executeBatch();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Optional<Profile> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.read("Finding a profile", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    SELECT + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Profile>empty();
                }
            }
        });
    }

    @Override
    public Map<String, Profile> findAll(Collection<String> ids) {
        Map<String, Profile> out = new HashMap<>();
        if (ids == null || ids.isEmpty()) {
            return out;
        }
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
        return jdbc.read("Finding " + all.size() + " profiles", c -> {
            for (List<String> chunk : Jdbc.chunks(all, jdbc.batchSize)) {
                try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ANY(?)")) {
                    ps.setArray(1, Jdbc.idArray(c, chunk));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Profile p = map(rs);
                            out.put(p.id(), p);
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long count() {
        return jdbc.read("Counting profiles", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM profiles");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static Profile map(ResultSet rs) throws SQLException {
        Consent consent = new Consent(bool(rs, "consent_personalisation"), bool(rs, "consent_email"),
                bool(rs, "consent_ads"));
        return new Profile(rs.getString("id"), FlatJson.read(rs.getString("attributes")), consent,
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }

    private static Boolean bool(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }

    private static void consent(PreparedStatement ps, int first, Consent consent) throws SQLException {
        Boolean[] answers = {consent.personalisation(), consent.email(), consent.ads()};
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
                ps.setNull(first + i, Types.BOOLEAN);
            } else {
                ps.setBoolean(first + i, answers[i]);
            }
        }
    }
}
