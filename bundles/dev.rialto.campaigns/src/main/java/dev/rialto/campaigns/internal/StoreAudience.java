package dev.rialto.campaigns.internal;

import dev.rialto.api.common.RialtoException;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The audience from the store: every profile id, streamed, filtered by the segment rule when there is one.
 */
final class StoreAudience implements Audience {

    /** Compiles a segment rule into a test of a profile; null when no rule evaluator is installed. */
    interface Segments {
        Predicate<Profile> compile(String ruleJson);

        /** Throws when the rule is not valid, naming the field. */
        void validate(String ruleJson);
    }

    private final DataSource dataSource;
    private final ProfileRepository profiles;
    private final java.util.function.Supplier<Segments> segments;

    StoreAudience(DataSource dataSource, ProfileRepository profiles, java.util.function.Supplier<Segments> segments) {
        this.dataSource = dataSource;
        this.profiles = profiles;
        this.segments = segments;
    }

    @Override
    public void validate(String ruleJson) {
        Segments current = segments.get();
        if (ruleJson != null && current != null) {
            current.validate(ruleJson);
        }
    }

    @Override
    public long select(String ruleJson, Consumer<String> ids) {
        Predicate<Profile> rule = null;
        if (ruleJson != null) {
            Segments current = segments.get();
            if (current == null) {
                throw new IllegalStateException("audience rules need the rule evaluator of feature rialto-ads;"
                        + " install it or remove the audience rule");
            }
            rule = current.compile(ruleJson);
        }
        long scanned = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id FROM profiles ORDER BY id")) {
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            select.setFetchSize(1000);
            try (ResultSet rs = select.executeQuery()) {
                java.util.List<String> batch = new java.util.ArrayList<>(500);
                while (rs.next()) {
                    scanned++;
                    if (rule == null) {
                        ids.accept(rs.getString(1));
                        continue;
                    }
                    batch.add(rs.getString(1));
                    if (batch.size() == 500) {
                        filter(batch, rule, ids);
                    }
                }
                filter(batch, rule, ids);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new RialtoException("Reading the audience failed: " + e.getMessage(), e);
        }
        return scanned;
    }

    private void filter(java.util.List<String> batch, Predicate<Profile> rule, Consumer<String> ids) {
        if (batch.isEmpty()) {
            return;
        }
        for (Profile p : profiles(batch).values()) {
            if (rule.test(p)) {
                ids.accept(p.id());
            }
        }
        batch.clear();
    }

    @Override
    public Map<String, Profile> profiles(Collection<String> ids) {
        return profiles.findAll(ids);
    }
}
