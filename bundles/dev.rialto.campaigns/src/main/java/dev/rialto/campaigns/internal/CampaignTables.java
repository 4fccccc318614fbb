package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.RunStatus;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.common.RialtoException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The campaign tables of the store (migration V6): definitions, runs, the per-run audience snapshot with one
 * outcome per member, deliveries and the per-campaign lock. Every method is one transaction.
 */
public final class CampaignTables {

    /** A member's state within a run: PENDING until it has its one outcome. */
    public enum MemberStatus {
        PENDING, DELIVERED, SKIPPED, FAILED
    }

    /** One audience member as snapshotted. */
    public record Member(String profileId, String variant, MemberStatus status, String reason, int attempts) {
    }

    /** The final outcome of one member. {@code step} and {@code channel} are set for deliveries only. */
    public record Outcome(String profileId, MemberStatus status, String reason, int attempts, int step,
            String channel) {
    }

    /** A stored definition. */
    public record StoredCampaign(String id, String json, String origin, Instant updated) {
    }

    /** A run's row. */
    public record RunRow(String id, String campaignId, String trigger, RunStatus status, String phase,
            String definition, Instant started, Instant finished, long audience, String message) {
    }

    /** The lock of a campaign. */
    public record Lock(String campaignId, String runId, String owner, Instant leaseUntil) {
    }

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int BATCH = 500;

    private final DataSource dataSource;

    public CampaignTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T tx(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new RialtoException(what + " failed: " + e.getMessage(), e);
        }
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.valueOf(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }

    // ---- definitions

    public void saveCampaign(String id, String json, String origin, Instant now) {
        tx("Saving campaign " + id, c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE campaigns SET definition = ?, origin = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, json);
                update.setString(2, origin);
                update.setTimestamp(3, ts(now));
                update.setString(4, id);
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO campaigns (id, definition, origin, updated_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, json);
                insert.setString(3, origin);
                insert.setTimestamp(4, ts(now));
                insert.executeUpdate();
            }
            return null;
        });
    }

    public boolean deleteCampaign(String id) {
        return tx("Deleting campaign " + id, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM campaigns WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    public List<StoredCampaign> campaigns() {
        return tx("Listing campaigns", c -> {
            List<StoredCampaign> out = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT id, definition, origin, updated_at FROM campaigns ORDER BY id");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredCampaign(rs.getString(1), rs.getString(2), rs.getString(3),
                            instant(rs, "updated_at")));
                }
            }
            return out;
        });
    }

    // ---- runs and locks

    /**
     * Creates the run and takes the campaign's lock in one transaction. While any run holds the lock, even one
     * whose lease expired (a crashed node: recovery resumes that run), nothing is started.
     *
     * @return empty when started, else the id of the run holding the lock
     */
    public Optional<String> startRun(RunRow run, String owner, Instant leaseUntil) {
        return tx("Starting run of " + run.campaignId(), c -> {
            Optional<Lock> held = lock(c, run.campaignId());
            if (held.isPresent()) {
                // Even with an expired lease (a crashed node) the held run is resumed by recovery, never replaced.
                return Optional.of(held.get().runId());
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO campaign_locks"
                    + " (campaign_id, run_id, owner, lease_until) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, run.campaignId());
                insert.setString(2, run.id());
                insert.setString(3, owner);
                insert.setTimestamp(4, ts(leaseUntil));
                insert.executeUpdate();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    c.rollback();
                    return Optional.of(lock(c, run.campaignId()).map(Lock::runId).orElse("?"));
                }
                throw e;
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO campaign_runs (id, campaign_id,"
                    + " trigger_by, status, phase, definition, started_at, audience) VALUES (?, ?, ?, ?, ?, ?, ?, 0)")) {
                insert.setString(1, run.id());
                insert.setString(2, run.campaignId());
                insert.setString(3, run.trigger());
                insert.setString(4, RunStatus.RUNNING.name());
                insert.setString(5, run.phase());
                insert.setString(6, run.definition());
                insert.setTimestamp(7, ts(run.started()));
                insert.executeUpdate();
            }
            return Optional.empty();
        });
    }

    private static Optional<Lock> lock(Connection c, String campaignId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT run_id, owner, lease_until FROM campaign_locks WHERE campaign_id = ?")) {
            select.setString(1, campaignId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Lock(campaignId, rs.getString(1), rs.getString(2), instant(rs, "lease_until")))
                        : Optional.empty();
            }
        }
    }

    public Optional<Lock> lock(String campaignId) {
        return tx("Reading the lock of " + campaignId, c -> lock(c, campaignId));
    }

    /**
     * Takes the lock of a run for this owner if it is free, already ours, or its lease expired. Returns whether
     * this owner now holds it.
     */
    public boolean claim(String campaignId, String runId, String owner, Instant leaseUntil, Instant now) {
        return tx("Claiming run " + runId, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE campaign_locks SET owner = ?, lease_until = ?"
                    + " WHERE campaign_id = ? AND run_id = ? AND (owner = ? OR lease_until < ?)")) {
                update.setString(1, owner);
                update.setTimestamp(2, ts(leaseUntil));
                update.setString(3, campaignId);
                update.setString(4, runId);
                update.setString(5, owner);
                update.setTimestamp(6, ts(now));
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Extends our lease; false when the lock is no longer ours (another node took it over). */
    public boolean renew(String campaignId, String runId, String owner, Instant leaseUntil) {
        return tx("Renewing the lease of run " + runId, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE campaign_locks SET lease_until = ?"
                    + " WHERE campaign_id = ? AND run_id = ? AND owner = ?")) {
                update.setTimestamp(1, ts(leaseUntil));
                update.setString(2, campaignId);
                update.setString(3, runId);
                update.setString(4, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Ends the run and releases its lock, in one transaction. */
    public void finishRun(String campaignId, String runId, RunStatus status, String message, Instant now) {
        tx("Finishing run " + runId, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE campaign_runs SET status = ?, phase = 'DONE',"
                    + " finished_at = ?, message = ? WHERE id = ?")) {
                update.setString(1, status.name());
                update.setTimestamp(2, ts(now));
                update.setString(3, message == null ? null : truncate(message, 4000));
                update.setString(4, runId);
                update.executeUpdate();
            }
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM campaign_locks WHERE campaign_id = ? AND run_id = ?")) {
                delete.setString(1, campaignId);
                delete.setString(2, runId);
                delete.executeUpdate();
            }
            return null;
        });
    }

    /** Replaces the run's audience snapshot (a restarted snapshot starts over) and moves it to DELIVERING. */
    public void snapshot(String runId, List<Member> members, Instant now) {
        tx("Writing the audience of run " + runId, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM campaign_members WHERE run_id = ?")) {
                delete.setString(1, runId);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO campaign_members (run_id, profile_id,"
                    + " variant, status, reason, attempts, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
                int n = 0;
                for (Member m : members) {
                    insert.setString(1, runId);
                    insert.setString(2, m.profileId());
                    insert.setString(3, m.variant());
                    insert.setString(4, m.status().name());
                    insert.setString(5, m.reason());
                    insert.setTimestamp(6, ts(now));
                    insert.addBatch();
                    if (++n % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE campaign_runs SET phase = 'DELIVERING', audience = ? WHERE id = ?")) {
                update.setLong(1, members.size());
                update.setString(2, runId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Members without an outcome yet, by profile id. */
    public List<Member> open(String runId, String afterProfileId, int limit) {
        return tx("Reading run " + runId, c -> {
            List<Member> out = new ArrayList<>(limit);
            try (PreparedStatement select = c.prepareStatement("SELECT profile_id, variant, status, reason, attempts"
                    + " FROM campaign_members WHERE run_id = ? AND status = 'PENDING'"
                    + " AND profile_id > ? ORDER BY profile_id")) {
                select.setString(1, runId);
                select.setString(2, afterProfileId == null ? "" : afterProfileId);
                select.setMaxRows(limit);
                select.setFetchSize(Math.min(limit, 1000));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Member(rs.getString(1), rs.getString(2), MemberStatus.valueOf(rs.getString(3)),
                                rs.getString(4), rs.getInt(5)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Records outcomes; a delivery also gets its {@code campaign_deliveries} row, whose key (run, profile, step)
     * makes a second record of the same delivery impossible.
     */
    public void record(String campaignId, String runId, List<Outcome> outcomes, Instant now) {
        if (outcomes.isEmpty()) {
            return;
        }
        tx("Recording outcomes of run " + runId, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE campaign_members SET status = ?, reason = ?,"
                    + " attempts = ?, updated_at = ? WHERE run_id = ? AND profile_id = ?");
                    PreparedStatement delivered = c.prepareStatement("INSERT INTO campaign_deliveries (run_id,"
                            + " profile_id, step, campaign_id, channel, delivered_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                boolean anyDelivered = false;
                for (Outcome o : outcomes) {
                    update.setString(1, o.status().name());
                    update.setString(2, o.reason() == null ? null : truncate(o.reason(), 1000));
                    update.setInt(3, o.attempts());
                    update.setTimestamp(4, ts(now));
                    update.setString(5, runId);
                    update.setString(6, o.profileId());
                    update.addBatch();
                    if (o.status() == MemberStatus.DELIVERED) {
                        delivered.setString(1, runId);
                        delivered.setString(2, o.profileId());
                        delivered.setInt(3, o.step());
                        delivered.setString(4, campaignId);
                        delivered.setString(5, o.channel());
                        delivered.setTimestamp(6, ts(now));
                        delivered.addBatch();
                        anyDelivered = true;
                    }
                }
                update.executeBatch();
                if (anyDelivered) {
                    delivered.executeBatch();
                }
            }
            return null;
        });
    }

    /** Deliveries per profile on a channel ({@code *}: any) since the given time, over every campaign. */
    public Map<String, Integer> deliveriesSince(Collection<String> profileIds, String channel, Instant since) {
        Map<String, Integer> counts = new HashMap<>();
        if (profileIds.isEmpty()) {
            return counts;
        }
        return tx("Counting deliveries", c -> {
            String sql = "SELECT profile_id, COUNT(*) FROM campaign_deliveries WHERE profile_id = ANY(?)"
                    + " AND delivered_at >= ?" + (channel.equals("*") ? "" : " AND channel = ?") + " GROUP BY profile_id";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setArray(1, c.createArrayOf("VARCHAR", profileIds.toArray()));
                select.setTimestamp(2, ts(since));
                if (!channel.equals("*")) {
                    select.setString(3, channel);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            return counts;
        });
    }

    /** Removes every trace of a profile from campaign history (the profile was forgotten); returns rows removed. */
    public int forget(String profileId) {
        return tx("Forgetting a profile in campaign history", c -> {
            int n = 0;
            for (String table : new String[] {"campaign_members", "campaign_deliveries"}) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE profile_id = ?")) {
                    delete.setString(1, profileId);
                    n += delete.executeUpdate();
                }
            }
            return n;
        });
    }

    // ---- history

    private static final String RUN_COLUMNS =
            "id, campaign_id, trigger_by, status, phase, definition, started_at, finished_at, audience, message";

    private static RunRow runRow(ResultSet rs) throws SQLException {
        return new RunRow(rs.getString("id"), rs.getString("campaign_id"), rs.getString("trigger_by"),
                RunStatus.valueOf(rs.getString("status")), rs.getString("phase"), rs.getString("definition"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getLong("audience"), rs.getString("message"));
    }

    public Optional<RunRow> run(String runId) {
        return tx("Reading run " + runId, c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + RUN_COLUMNS + " FROM campaign_runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(runRow(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<RunRow> runs(String campaignId, int limit) {
        return tx("Listing runs of " + campaignId, c -> {
            List<RunRow> out = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT " + RUN_COLUMNS
                    + " FROM campaign_runs WHERE campaign_id = ? ORDER BY started_at DESC, id DESC")) {
                select.setString(1, campaignId);
                select.setMaxRows(limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(runRow(rs));
                    }
                }
            }
            return out;
        });
    }

    /** Runs still RUNNING (being worked on, or interrupted by a crash). */
    public List<RunRow> unfinished() {
        return tx("Listing unfinished runs", c -> {
            List<RunRow> out = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT " + RUN_COLUMNS
                    + " FROM campaign_runs WHERE status = 'RUNNING' ORDER BY started_at");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(runRow(rs));
                }
            }
            return out;
        });
    }

    /** Member counts of a run by status and reason: {@code DELIVERED -> {null -> n}, SKIPPED -> {consent -> n}}. */
    public Map<MemberStatus, Map<String, Long>> counts(String runId) {
        return tx("Counting run " + runId, c -> {
            Map<MemberStatus, Map<String, Long>> out = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("SELECT status, reason, COUNT(*) FROM campaign_members"
                    + " WHERE run_id = ? GROUP BY status, reason")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getString(2);
                        out.computeIfAbsent(MemberStatus.valueOf(rs.getString(1)), k -> new TreeMap<>())
                                .merge(reason == null ? "" : reason, rs.getLong(3), Long::sum);
                    }
                }
            }
            return out;
        });
    }

    /** Per variant: {recipients, delivered, converted}, conversions being purchases in [from, to). */
    public Map<String, long[]> variants(String runId, Instant from, Instant to) {
        return tx("Measuring run " + runId, c -> {
            Map<String, long[]> out = new TreeMap<>();
            try (PreparedStatement select = c.prepareStatement("SELECT variant, COUNT(*),"
                    + " SUM(CASE WHEN status = 'DELIVERED' THEN 1 ELSE 0 END) FROM campaign_members"
                    + " WHERE run_id = ? GROUP BY variant")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), 0});
                    }
                }
            }
            // From the window's purchases (index on ts) to the members (primary key), not from every member to
            // their events: a report during a run of 10,000 members cost 10,000 index seeks per call.
            try (PreparedStatement select = c.prepareStatement("SELECT m.variant, COUNT(*) FROM campaign_members m"
                    + " WHERE m.run_id = ? AND m.profile_id IN (SELECT e.user_id FROM events e"
                    + " WHERE e.ts >= ? AND e.ts < ? AND e.type = 'purchase') GROUP BY m.variant")) {
                select.setString(1, runId);
                select.setTimestamp(2, ts(from));
                select.setTimestamp(3, ts(to));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long[] row = out.get(rs.getString(1));
                        if (row != null) {
                            row[2] = rs.getLong(2);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Deliveries recorded for a run, by (profile, step): used by tests and the duplicate check. */
    public long deliveries(String runId) {
        return tx("Counting deliveries of run " + runId, c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT COUNT(*) FROM campaign_deliveries WHERE run_id = ?")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    static RunSummary summary(RunRow run, Map<MemberStatus, Map<String, Long>> counts) {
        Map<String, Long> skipped = new TreeMap<>(counts.getOrDefault(MemberStatus.SKIPPED, Map.of()));
        long delivered = sum(counts.get(MemberStatus.DELIVERED));
        long failed = sum(counts.get(MemberStatus.FAILED));
        long pending = sum(counts.get(MemberStatus.PENDING));
        return new RunSummary(run.id(), run.campaignId(), run.trigger(), run.status(), run.started(), run.finished(),
                run.audience(), delivered, skipped, failed, pending, run.message());
    }

    private static long sum(Map<String, Long> m) {
        return m == null ? 0 : m.values().stream().mapToLong(Long::longValue).sum();
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
