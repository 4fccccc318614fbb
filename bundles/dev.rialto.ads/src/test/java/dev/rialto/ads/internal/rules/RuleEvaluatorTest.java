package dev.rialto.ads.internal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.events.EventType;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.Operator;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.rules.RuleException;
import dev.rialto.api.rules.RuleFacts;
import dev.rialto.api.rules.RuleOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleEvaluatorTest {
    private static final Instant NOW = Instant.parse("2026-03-07T21:30:00Z"); // a Saturday
    private final RuleEvaluatorComponent rules = new RuleEvaluatorComponent();

    private static RuleFacts facts(boolean consent, Map<String, String> attributes, Set<String> segments,
            List<RuleFacts.RecentAction> recent) {
        return new RuleFacts.SimpleFacts(consent, attributes, segments,
                Map.of(ContextField.COUNTRY, "DE", ContextField.CATEGORY, "Shoes > Running", ContextField.DEVICE,
                        "mobile"),
                LocalDateTime.of(2026, 3, 7, 22, 30), NOW, recent);
    }

    private static RuleFacts plain() {
        return facts(true, Map.of("tier", "Gold", "age", "34"), Set.of("runners"), List.of());
    }

    @Test
    void parsesPrintsAndParsesBackToAnEqualRule() {
        String json = "{\"all\":[{\"context\":\"country\",\"op\":\"in\",\"values\":[\"DE\",\"AT\"]},"
                + "{\"any\":[{\"segment\":\"runners\"},{\"attribute\":\"tier\",\"value\":\"gold\"}]},"
                + "{\"not\":{\"context\":\"device\",\"value\":\"tv\"}},"
                + "{\"behaviour\":\"view\",\"category\":\"Shoes\",\"withinDays\":7,\"minCount\":2},"
                + "{\"context\":\"hour\",\"op\":\"between\",\"values\":[\"18\",\"23\"]},{\"always\":true}]}";
        Rule rule = rules.parse(json);
        Rule.All all = (Rule.All) rule;
        assertEquals(6, all.rules().size());
        assertEquals(new Rule.Context(ContextField.COUNTRY, Operator.IN, List.of("DE", "AT")), all.rules().get(0));
        assertEquals(new Rule.Behaviour(EventType.VIEW, "Shoes", null, 7, 2), all.rules().get(3));
        assertEquals(rule, rules.parse(rules.toJson(rule)));
        assertTrue(rule.personal());
    }

    @Test
    void badRulesNameThePathOfTheField() {
        assertPath("$.all[1].op", "{\"all\":[{\"always\":true},{\"context\":\"country\",\"op\":\"like\",\"value\":\"x\"}]}");
        assertPath("$.all[0].context", "{\"all\":[{\"context\":\"planet\",\"value\":\"mars\"}]}");
        assertPath("$.not.colour", "{\"not\":{\"segment\":\"a\",\"colour\":\"red\"}}");
        assertPath("$.any[0].withinDays", "{\"any\":[{\"behaviour\":\"view\",\"withinDays\":0}]}");
        assertPath("$.any[0].behaviour", "{\"any\":[{\"behaviour\":\"teleport\"}]}");
        assertPath("$.all", "{\"all\":{\"segment\":\"a\"}}");
        assertPath("$", "{\"segment\":\"a\",\"always\":true}");
        assertPath("$", "not json");
        assertPath("$.value", "{\"context\":\"hour\",\"value\":\"25\"}");
        assertPath("$.op", "{\"context\":\"country\",\"op\":\"between\",\"values\":[\"a\"]}");
        // A hostile rule nesting very deep is refused, not evaluated.
        String deep = "{\"not\":".repeat(40) + "{\"always\":true}" + "}".repeat(40);
        assertThrows(RuleException.class, () -> rules.parse(deep));
    }

    private void assertPath(String path, String json) {
        RuleException e = assertThrows(RuleException.class, () -> rules.parse(json));
        assertEquals(path, e.path(), e.getMessage());
    }

    @Test
    void contextLeavesCompareCaseInsensitivelyAndSayWhatTheySaw() {
        RuleOutcome in = rules.evaluate(rules.parse("{\"context\":\"country\",\"values\":[\"de\",\"at\"]}"), plain());
        assertTrue(in.matched());
        RuleOutcome out = rules.evaluate(rules.parse("{\"context\":\"country\",\"values\":[\"FR\"]}"), plain());
        assertFalse(out.matched());
        assertEquals("$: context country in FR: was DE", out.reason());
        assertTrue(rules.evaluate(rules.parse("{\"context\":\"category\",\"op\":\"prefix\",\"value\":\"shoes\"}"),
                plain()).matched());
        assertFalse(rules.evaluate(rules.parse("{\"context\":\"query\",\"op\":\"exists\"}"), plain()).matched());
        assertTrue(rules.evaluate(rules.parse("{\"context\":\"query\",\"op\":\"ne\",\"value\":\"x\"}"), plain())
                .matched());
    }

    @Test
    void localTimeRulesUseHourWithWrapAroundAndDayOfWeek() {
        assertTrue(rules.evaluate(rules.parse("{\"context\":\"hour\",\"op\":\"between\",\"values\":[\"22\",\"6\"]}"),
                plain()).matched());
        assertFalse(rules.evaluate(rules.parse("{\"context\":\"hour\",\"op\":\"between\",\"values\":[\"8\",\"18\"]}"),
                plain()).matched());
        assertTrue(rules.evaluate(rules.parse("{\"context\":\"dayOfWeek\",\"values\":[\"saturday\",\"sun\"]}"),
                plain()).matched());
        assertTrue(rules.evaluate(rules.parse("{\"context\":\"dayOfWeek\",\"op\":\"gte\",\"value\":\"6\"}"),
                plain()).matched());
        assertFalse(rules.evaluate(rules.parse("{\"context\":\"dayOfWeek\",\"op\":\"lt\",\"value\":\"fri\"}"),
                plain()).matched());
    }

    @Test
    void attributesSegmentsAndNumbers() {
        assertTrue(rules.evaluate(rules.parse("{\"attribute\":\"tier\",\"value\":\"gold\"}"), plain()).matched());
        assertTrue(rules.evaluate(rules.parse("{\"attribute\":\"age\",\"op\":\"between\",\"values\":[\"30\",\"40\"]}"),
                plain()).matched());
        assertFalse(rules.evaluate(rules.parse("{\"attribute\":\"age\",\"op\":\"gt\",\"value\":\"40\"}"), plain())
                .matched());
        RuleOutcome missing = rules.evaluate(rules.parse("{\"attribute\":\"city\",\"value\":\"Berlin\"}"), plain());
        assertFalse(missing.matched());
        assertTrue(missing.reason().endsWith("missing"), missing.reason());
        assertTrue(rules.evaluate(rules.parse("{\"segment\":\"Runners\"}"), plain()).matched());
        // The profile's value stays out of the reason.
        RuleOutcome no = rules.evaluate(rules.parse("{\"attribute\":\"tier\",\"value\":\"silver\"}"), plain());
        assertFalse(no.reason().contains("Gold"), no.reason());
    }

    @Test
    void behaviourCountsMatchingActionsWithinTheWindow() {
        List<RuleFacts.RecentAction> recent = List.of(
                new RuleFacts.RecentAction(EventType.VIEW, "i1", "Shoes > Running", NOW.minus(Duration.ofDays(1))),
                new RuleFacts.RecentAction(EventType.VIEW, "i2", "Shoes > Trail", NOW.minus(Duration.ofDays(6))),
                new RuleFacts.RecentAction(EventType.VIEW, "i3", "Shoes", NOW.minus(Duration.ofDays(8))),
                new RuleFacts.RecentAction(EventType.PURCHASE, "i1", "Shoes > Running", NOW.minus(Duration.ofDays(1))),
                new RuleFacts.RecentAction(EventType.VIEW, "i4", "Books", NOW.minus(Duration.ofDays(1))));
        RuleFacts facts = facts(true, Map.of(), Set.of(), recent);
        RuleOutcome two = rules.evaluate(rules.parse(
                "{\"behaviour\":\"view\",\"category\":\"shoes\",\"withinDays\":7,\"minCount\":2}"), facts);
        assertTrue(two.matched(), two.reason());
        assertTrue(two.reason().endsWith("2x"), two.reason());
        assertFalse(rules.evaluate(rules.parse(
                "{\"behaviour\":\"view\",\"category\":\"shoes\",\"withinDays\":7,\"minCount\":3}"), facts).matched());
        assertTrue(rules.evaluate(rules.parse(
                "{\"behaviour\":\"view\",\"category\":\"shoes\",\"withinDays\":10,\"minCount\":3}"), facts).matched());
        assertTrue(rules.evaluate(rules.parse("{\"behaviour\":\"purchase\",\"item\":\"i1\",\"withinDays\":2}"), facts)
                .matched());
    }

    @Test
    void withoutConsentPersonalLeavesAreUnknownAndNeverTargetEvenUnderNot() {
        RuleFacts noConsent = facts(false, Map.of("tier", "gold"), Set.of("runners"), List.of());
        RuleOutcome segment = rules.evaluate(rules.parse("{\"segment\":\"runners\"}"), noConsent);
        assertFalse(segment.matched());
        assertTrue(segment.reason().contains("consent"), segment.reason());
        assertFalse(rules.evaluate(rules.parse("{\"not\":{\"segment\":\"vip\"}}"), noConsent).matched());
        // A context-only branch can still decide.
        assertTrue(rules.evaluate(rules.parse(
                "{\"any\":[{\"segment\":\"runners\"},{\"context\":\"country\",\"value\":\"DE\"}]}"), noConsent)
                .matched());
        assertFalse(rules.evaluate(rules.parse(
                "{\"all\":[{\"context\":\"country\",\"value\":\"FR\"},{\"segment\":\"runners\"}]}"), noConsent)
                .matched());
        assertTrue(rules.evaluate(null, noConsent).matched());
    }
}
