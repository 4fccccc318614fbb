package dev.rialto.campaigns.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.api.rules.RuleFacts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Segment rules with the ad-targeting evaluator ({@code dev.rialto.api.rules}): the same JSON, the same
 * semantics. Campaign facts add event aggregates to each profile's attributes, computed in one query per
 * evaluation: {@code orders}, {@code spend}, {@code days_since_purchase} and the recency-frequency-monetary
 * quintiles {@code rfm_r}, {@code rfm_f}, {@code rfm_m} (5 best; 0 for profiles who never purchased), and
 * {@code rfm} (for example {@code 555}). Segments are the profile's {@code segment} or {@code segments}
 * attribute (comma-separated). Behaviour leaves read the profile's recent events.
 */
final class RuleSegments implements StoreAudience.Segments {
    static final int HISTORY = 200;

    private final RuleEvaluator evaluator;
    private final DataSource dataSource;
    private final EventRepository events;
    private final ItemRepository items;
    private final boolean personalisationWhenUnknown;
    private final Clock clock;

    RuleSegments(RuleEvaluator evaluator, DataSource dataSource, EventRepository events, ItemRepository items,
            boolean personalisationWhenUnknown, Clock clock) {
        this.evaluator = evaluator;
        this.dataSource = dataSource;
        this.events = events;
        this.items = items;
        this.personalisationWhenUnknown = personalisationWhenUnknown;
        this.clock = clock;
    }

    @Override
    public Predicate<Profile> compile(String ruleJson) {
        Rule rule = parse(ruleJson);
        boolean behaviour = uses(rule);
        Instant now = clock.instant();
        Map<String, Map<String, String>> aggregates = aggregates(now);
        return profile -> {
            Map<String, String> attributes = new HashMap<>(profile.attributes());
            attributes.putAll(aggregates.getOrDefault(profile.id(), NEVER));
            Set<String> segments = new HashSet<>();
            for (String key : new String[] {"segment", "segments"}) {
                String v = profile.attributes().get(key);
                if (v != null) {
                    Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(segments::add);
                }
            }
            List<RuleFacts.RecentAction> recent = behaviour ? recent(profile.id()) : List.of();
            RuleFacts facts = new RuleFacts.SimpleFacts(
                    Consent.allows(profile.consent().personalisation(), personalisationWhenUnknown), attributes,
                    segments, Map.of(), LocalDateTime.ofInstant(now, ZoneOffset.UTC), now, recent);
            return evaluator.evaluate(rule, facts).matched();
        };
    }

    @Override
    public void validate(String ruleJson) {
        parse(ruleJson);
    }

    private Rule parse(String ruleJson) {
        try {
            return evaluator.parse(ruleJson);
        } catch (RialtoException | IllegalArgumentException e) {
            throw new IllegalArgumentException("audience: " + e.getMessage(), e);
        }
    }

    private static final Map<String, String> NEVER = Map.of("orders", "0", "spend", "0", "rfm_r", "0", "rfm_f", "0",
            "rfm_m", "0", "rfm", "000");

    private static boolean uses(Rule rule) {
        if (rule instanceof Rule.Behaviour) {
            return true;
        }
        if (rule instanceof Rule.All all) {
            return all.rules().stream().anyMatch(RuleSegments::uses);
        }
        if (rule instanceof Rule.AnyOf any) {
            return any.rules().stream().anyMatch(RuleSegments::uses);
        }
        return rule instanceof Rule.Not not && uses(not.rule());
    }

    private List<RuleFacts.RecentAction> recent(String userId) {
        List<Event> history = events.recentForUser(userId, HISTORY);
        Set<String> ids = new HashSet<>();
        history.forEach(e -> {
            if (e.itemId() != null) {
                ids.add(e.itemId());
            }
        });
        Map<String, Item> known = ids.isEmpty() ? Map.of() : items.findAll(ids);
        List<RuleFacts.RecentAction> out = new ArrayList<>(history.size());
        for (Event e : history) {
            Item item = e.itemId() == null ? null : known.get(e.itemId());
            out.add(new RuleFacts.RecentAction(e.type(), e.itemId(), item == null ? null : item.category(),
                    e.timestamp()));
        }
        return out;
    }

    /** Purchase aggregates of every purchaser, with RFM quintiles. */
    Map<String, Map<String, String>> aggregates(Instant now) {
        record Row(String user, Instant last, long orders, double spend) {
        }
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT user_id, MAX(ts), COUNT(*),"
                        + " SUM(quantity * COALESCE(price, 0)) FROM events WHERE type = 'purchase' GROUP BY user_id");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getTimestamp(2).toLocalDateTime().toInstant(ZoneOffset.UTC),
                        rs.getLong(3), rs.getDouble(4)));
            }
        } catch (SQLException e) {
            throw new RialtoException("Reading purchase aggregates failed: " + e.getMessage(), e);
        }
        Map<String, Integer> r = quintiles(rows, Row::user, row -> (double) row.last().getEpochSecond());
        Map<String, Integer> f = quintiles(rows, Row::user, row -> (double) row.orders());
        Map<String, Integer> m = quintiles(rows, Row::user, Row::spend);
        Map<String, Map<String, String>> out = new HashMap<>(rows.size() * 2);
        for (Row row : rows) {
            long days = Math.max(0, Duration.between(row.last(), now).toDays());
            int rq = r.get(row.user());
            int fq = f.get(row.user());
            int mq = m.get(row.user());
            out.put(row.user(), Map.of("orders", Long.toString(row.orders()),
                    "spend", String.format(java.util.Locale.ROOT, "%.2f", row.spend()),
                    "days_since_purchase", Long.toString(days), "rfm_r", Integer.toString(rq),
                    "rfm_f", Integer.toString(fq), "rfm_m", Integer.toString(mq), "rfm", "" + rq + fq + mq));
        }
        return out;
    }

    /** 1 (lowest fifth) to 5 (highest fifth) of the key, by rank. */
    static <T> Map<String, Integer> quintiles(List<T> rows, java.util.function.Function<T, String> id,
            java.util.function.Function<T, Double> key) {
        List<T> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(key));
        Map<String, Integer> out = new HashMap<>();
        int n = sorted.size();
        for (int i = 0; i < n; i++) {
            out.put(id.apply(sorted.get(i)), 1 + (int) ((long) i * 5 / n));
        }
        return out;
    }
}
