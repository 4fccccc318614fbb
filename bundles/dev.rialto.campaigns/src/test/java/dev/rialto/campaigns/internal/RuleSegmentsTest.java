package dev.rialto.campaigns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.ads.internal.rules.RuleEvaluatorComponent;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Segment rules: the ads evaluator over profile attributes, purchase aggregates (RFM) and recent behaviour. */
class RuleSegmentsTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    DataSource ds;
    RuleSegments segments;
    final Map<String, List<Event>> history = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDb.create();
        // Five purchasers: p1 bought long ago, once, cheaply ... p5 yesterday, often, expensively.
        try (Connection c = ds.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO events"
                + " (id, type, user_id, item_id, quantity, ts, price) VALUES (?, 'purchase', ?, 'i1', 1, ?, ?)")) {
            for (int u = 1; u <= 5; u++) {
                for (int k = 0; k < u; k++) {
                    insert.setString(1, "e" + u + "-" + k);
                    insert.setString(2, "p" + u);
                    insert.setTimestamp(3, java.sql.Timestamp.valueOf(NOW.minus(60 / u, ChronoUnit.DAYS)
                            .atOffset(ZoneOffset.UTC).toLocalDateTime()));
                    insert.setBigDecimal(4, BigDecimal.valueOf(10L * u));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
        history.put("p5", List.of(new Event("v1", EventType.VIEW, "p5", "shoe", 1, NOW.minus(2, ChronoUnit.DAYS))));
        EventRepository events = proxy(EventRepository.class, (name, args) -> name.equals("recentForUser")
                ? history.getOrDefault((String) args[0], List.of()) : null);
        ItemRepository items = proxy(ItemRepository.class, (name, args) -> {
            Map<String, Item> out = new HashMap<>();
            for (Object id : (Collection<?>) args[0]) {
                out.put((String) id, new Item((String) id, "Runner", "", "Shoes > Running", null, null, true, "en",
                        Map.of()));
            }
            return out;
        });
        segments = new RuleSegments(new RuleEvaluatorComponent(), ds, events, items, true,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @SuppressWarnings("unchecked")
    static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> answer.apply(m.getName(), args));
    }

    static Profile profile(String id, Map<String, String> attributes, Consent consent) {
        return new Profile(id, attributes, consent, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void rfmQuintilesAndAggregatesAreAttributes() {
        Predicate<Profile> champions = segments.compile("{\"attribute\": \"rfm\", \"value\": \"555\"}");
        assertTrue(champions.test(profile("p5", Map.of(), Consent.UNKNOWN)));
        assertFalse(champions.test(profile("p4", Map.of(), Consent.UNKNOWN)));
        Predicate<Profile> lapsed = segments.compile(
                "{\"all\": [{\"attribute\": \"orders\", \"op\": \"gte\", \"value\": \"1\"},"
                        + " {\"attribute\": \"days_since_purchase\", \"op\": \"gt\", \"value\": \"30\"}]}");
        assertTrue(lapsed.test(profile("p1", Map.of(), Consent.UNKNOWN)), "60 days ago");
        assertFalse(lapsed.test(profile("p3", Map.of(), Consent.UNKNOWN)), "20 days ago");
        assertFalse(lapsed.test(profile("never", Map.of(), Consent.UNKNOWN)), "never bought");
        assertTrue(segments.compile("{\"attribute\": \"rfm_r\", \"value\": \"0\"}")
                .test(profile("never", Map.of(), Consent.UNKNOWN)));
    }

    @Test
    void attributesSegmentsBehaviourAndConsent() {
        Predicate<Profile> rule = segments.compile("{\"all\": [{\"attribute\": \"country\", \"value\": \"GB\"},"
                + " {\"segment\": \"runners\"},"
                + " {\"behaviour\": \"view\", \"category\": \"Shoes\", \"withinDays\": 7, \"minCount\": 1}]}");
        Map<String, String> gbRunner = Map.of("country", "GB", "segments", "vip, runners");
        assertTrue(rule.test(profile("p5", gbRunner, Consent.UNKNOWN)));
        assertFalse(rule.test(profile("p4", gbRunner, Consent.UNKNOWN)), "no recent view");
        assertFalse(rule.test(profile("p5", Map.of("country", "DE", "segments", "runners"), Consent.UNKNOWN)));
        assertFalse(rule.test(profile("p5", gbRunner, new Consent(false, null, null))),
                "personal data is not used without consent");
    }

    @Test
    void aBadRuleNamesItsField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segments.compile("{\"attribute\": \"rfm\", \"op\": \"sideways\", \"value\": \"1\"}"));
        assertTrue(e.getMessage().contains("op"), e.getMessage());
    }

    @Test
    void quintilesSplitByRank() {
        List<Integer> values = List.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6);
        Map<String, Integer> q = RuleSegments.quintiles(values, v -> "v" + v, v -> (double) v);
        assertEquals(1, q.get("v1"));
        assertEquals(1, q.get("v2"));
        assertEquals(3, q.get("v5"));
        assertEquals(5, q.get("v10"));
        assertEquals(5, q.get("v9"));
    }
}
