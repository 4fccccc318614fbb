package dev.rialto.store.jdbc.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.privacy.UserDataListener;
import dev.rialto.api.privacy.UserDataRepository;
import dev.rialto.api.profiles.Profile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** One user across {@code profiles}, {@code events} and {@code dead_letters}: export and erasure. */
@Component(name = StoreConfig.PID + ".userdata", configurationPid = StoreConfig.PID)
public final class JdbcUserDataRepository implements UserDataRepository {
    private final DataSource dataSource;
    private final Listeners<UserDataListener> listeners = new Listeners<>();
    private volatile Jdbc jdbc;

    @Activate
    public JdbcUserDataRepository(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Activate
    public void activate(StoreConfig config) {
        jdbc = Jdbc.activate(dataSource, config, "User data repository");
    }

    @Reference(name = "listener", service = UserDataListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindListener")
    void bindListener(ComponentServiceObjects<UserDataListener> listener) {
        listeners.add(listener);
    }

    void unbindListener(ComponentServiceObjects<UserDataListener> listener) {
        listeners.remove(listener);
    }

    /** Adds a listener object directly (tests and plain Java). */
    public void addListener(UserDataListener listener) {
        listeners.add(listener);
    }

    @Override
    public UserData find(String userId) {
        return jdbc.read("Reading a user's data", c -> read(c, userId));
    }

    /**
     * Reads, then deletes what was read, in one transaction; the recent-event history and the listeners hear after
     * the commit, and before this returns. The events go by their ids, exactly the ones read (H2 has no index on their user: one scan, not
     * two), so what the listeners are told is what was deleted.
     */
    @Override
    public UserData delete(String userId) {
        UserData deleted = jdbc.inTransaction("Deleting a user's data", c -> {
            UserData data = read(c, userId);
            List<String> ids = new ArrayList<>(data.events().size());
            for (Event e : data.events()) {
                ids.add(e.id());
            }
            for (List<String> chunk : Jdbc.chunks(ids, 1000)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE id = ANY(?)")) {
                    ps.setArray(1, Jdbc.idArray(c, chunk));
                    ps.executeUpdate();
                }
            }
            for (String sql : List.of("DELETE FROM profiles WHERE id = ?", "DELETE FROM dead_letters WHERE user_id = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, userId);
                    ps.executeUpdate();
                }
            }
            return data;
        });
        RecentHistory history = RecentHistory.of(dataSource);
        if (history != null && !deleted.events().isEmpty()) {
            history.remove(userId, deleted.events());
        }
        if (!deleted.isEmpty()) {
            // through the events' feed, after their notifications: a listener never counts an erased event again
            ChangeFeed.of(dataSource).runAndWait(() -> listeners.notifyAll(l -> l.userDeleted(deleted), "User data"));
        }
        return deleted;
    }

    private static UserData read(Connection c, String userId) throws SQLException {
        Profile profile = null;
        try (PreparedStatement ps = c.prepareStatement(JdbcProfileRepository.SELECT + " WHERE id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    profile = JdbcProfileRepository.map(rs);
                }
            }
        }
        List<Event> events = new ArrayList<>();
        // Sorted here, not by SQL: on H2 (no index by user) an ORDER BY ts made it walk events_ts and fetch every
        // row by its key, three times slower than scanning the table (docs/benchmarks.md).
        try (PreparedStatement ps = c.prepareStatement(JdbcEventRepository.SELECT + " WHERE user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(JdbcEventRepository.map(rs));
                }
            }
        }
        events.sort(Comparator.comparing(Event::timestamp).thenComparing(Event::id));
        List<DeadLetter> letters = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JdbcIngestJournal.DEAD_LETTER_COLUMNS
                + " FROM dead_letters WHERE user_id = ? ORDER BY id")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(JdbcIngestJournal.deadLetter(rs));
                }
            }
        }
        return new UserData(userId, profile, events, letters);
    }
}
