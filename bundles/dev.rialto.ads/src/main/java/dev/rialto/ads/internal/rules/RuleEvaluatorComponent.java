package dev.rialto.ads.internal.rules;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.Operator;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.api.rules.RuleFacts;
import dev.rialto.api.rules.RuleOutcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/**
 * Evaluates rules in three-valued (Kleene) logic: a personal leaf without consent is UNKNOWN, and a rule that is
 * UNKNOWN at the top does not match. So {@code not segment X} never targets a user whose segments may not be read.
 * Text comparisons ignore case; a missing value never equals anything.
 */
@Component(service = RuleEvaluator.class, property = ServiceProperties.BEAN_NAME + "=rules")
public class RuleEvaluatorComponent implements RuleEvaluator {

    static final String NO_CONSENT = "personal data may not be used (no ads consent)";
    private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    private static final int MAX_LISTED = 3;

    private enum Truth { TRUE, FALSE, UNKNOWN }

    private record Result(Truth truth, String reason) {
    }

    @Override
    public Rule parse(String json) {
        return JsonRules.parse(json);
    }

    @Override
    public String toJson(Rule rule) {
        return JsonRules.toJson(rule);
    }

    @Override
    public RuleOutcome evaluate(Rule rule, RuleFacts facts) {
        if (rule == null) {
            return new RuleOutcome(true, "no targeting: everybody");
        }
        Result result = eval(rule, facts, "$");
        return switch (result.truth) {
            case TRUE -> new RuleOutcome(true, result.reason);
            case FALSE -> new RuleOutcome(false, result.reason);
            case UNKNOWN -> new RuleOutcome(false, result.reason);
        };
    }

    private Result eval(Rule rule, RuleFacts facts, String path) {
        if (rule instanceof Rule.All all) {
            return all(all.rules(), facts, path + ".all");
        }
        if (rule instanceof Rule.AnyOf any) {
            return any(any.rules(), facts, path + ".any");
        }
        if (rule instanceof Rule.Not not) {
            Result inner = eval(not.rule(), facts, path + ".not");
            Truth truth = inner.truth == Truth.TRUE ? Truth.FALSE
                    : inner.truth == Truth.FALSE ? Truth.TRUE : Truth.UNKNOWN;
            return new Result(truth, "not (" + inner.reason + ")");
        }
        if (rule instanceof Rule.Always always) {
            return new Result(always.value() ? Truth.TRUE : Truth.FALSE, path + ": always " + always.value());
        }
        if (rule.personal() && !facts.personalAllowed()) {
            return new Result(Truth.UNKNOWN, path + ": " + NO_CONSENT);
        }
        if (rule instanceof Rule.Segment segment) {
            boolean member = facts.segments().stream().anyMatch(s -> s.equalsIgnoreCase(segment.name()));
            return new Result(truth(member), path + ": segment " + segment.name() + (member ? ": member"
                    : ": not a member"));
        }
        if (rule instanceof Rule.Attribute attribute) {
            String actual = facts.attributes().get(attribute.name());
            boolean ok = compare(attribute.op(), actual, attribute.values(), null);
            // The profile's value stays out of the reason: traces are shown and stored, attributes are personal.
            return new Result(truth(ok), path + ": attribute " + attribute.name() + " " + describe(attribute.op(),
                    attribute.values()) + (ok ? ": yes" : actual == null ? ": missing" : ": no"));
        }
        if (rule instanceof Rule.Context context) {
            String actual = contextValue(context.field(), facts);
            boolean ok = compare(context.op(), actual, context.values(), context.field());
            return new Result(truth(ok), path + ": context " + context.field().wireName() + " "
                    + describe(context.op(), context.values()) + ": was " + shown(actual));
        }
        if (rule instanceof Rule.Behaviour b) {
            int count = count(b, facts);
            boolean ok = count >= b.minCount();
            return new Result(truth(ok), path + ": " + b.type().wireName()
                    + (b.category() != null ? " category " + b.category() : "")
                    + (b.item() != null ? " item " + b.item() : "")
                    + " at least " + b.minCount() + "x within " + b.withinDays() + "d: " + count + "x");
        }
        throw new IllegalArgumentException("unknown rule " + rule.getClass().getName());
    }

    private Result all(List<Rule> rules, RuleFacts facts, String path) {
        Result unknown = null;
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < rules.size(); i++) {
            Result r = eval(rules.get(i), facts, path + "[" + i + "]");
            if (r.truth == Truth.FALSE) {
                return r;
            }
            if (r.truth == Truth.UNKNOWN && unknown == null) {
                unknown = r;
            }
            list(reasons, i, r.reason);
        }
        if (unknown != null) {
            return unknown;
        }
        return new Result(Truth.TRUE, rules.isEmpty() ? path + ": empty, true" : reasons.toString());
    }

    private Result any(List<Rule> rules, RuleFacts facts, String path) {
        Result unknown = null;
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < rules.size(); i++) {
            Result r = eval(rules.get(i), facts, path + "[" + i + "]");
            if (r.truth == Truth.TRUE) {
                return r;
            }
            if (r.truth == Truth.UNKNOWN && unknown == null) {
                unknown = r;
            }
            list(reasons, i, r.reason);
        }
        if (unknown != null) {
            return unknown;
        }
        return new Result(Truth.FALSE, rules.isEmpty() ? path + ": empty, false" : "none of: " + reasons);
    }

    private static void list(StringBuilder reasons, int index, String reason) {
        if (index < MAX_LISTED) {
            if (index > 0) {
                reasons.append("; ");
            }
            reasons.append(reason);
        } else if (index == MAX_LISTED) {
            reasons.append("; ...");
        }
    }

    private static Truth truth(boolean value) {
        return value ? Truth.TRUE : Truth.FALSE;
    }

    private static String contextValue(ContextField field, RuleFacts facts) {
        return switch (field) {
            case HOUR -> Integer.toString(facts.localTime().getHour());
            case DAY_OF_WEEK -> DAYS[facts.localTime().getDayOfWeek().getValue() - 1];
            default -> facts.context(field);
        };
    }

    private static int count(Rule.Behaviour b, RuleFacts facts) {
        Instant since = facts.now().minus(b.withinDays(), ChronoUnit.DAYS);
        String category = b.category() == null ? null : b.category().toLowerCase(Locale.ROOT);
        int count = 0;
        for (RuleFacts.RecentAction action : facts.recent()) {
            if (action.type() != b.type() || action.at().isBefore(since) || action.at().isAfter(facts.now())) {
                continue;
            }
            if (b.item() != null && !b.item().equals(action.itemId())) {
                continue;
            }
            if (category != null && (action.category() == null
                    || !action.category().toLowerCase(Locale.ROOT).startsWith(category))) {
                continue;
            }
            count++;
        }
        return count;
    }

    private static boolean compare(Operator op, String actual, List<String> values, ContextField field) {
        if (op == Operator.EXISTS) {
            return actual != null;
        }
        if (op.numeric()) {
            return numeric(op, actual, values, field);
        }
        if (actual == null) {
            return op == Operator.NE || op == Operator.NOT_IN;
        }
        String a = normal(actual, field);
        return switch (op) {
            case EQ -> a.equals(normal(values.get(0), field));
            case NE -> !a.equals(normal(values.get(0), field));
            case IN -> values.stream().anyMatch(v -> a.equals(normal(v, field)));
            case NOT_IN -> values.stream().noneMatch(v -> a.equals(normal(v, field)));
            case PREFIX -> values.stream().anyMatch(v -> a.startsWith(normal(v, field)));
            case CONTAINS -> values.stream().anyMatch(v -> a.contains(normal(v, field)));
            default -> false;
        };
    }

    private static boolean numeric(Operator op, String actual, List<String> values, ContextField field) {
        double a = number(actual, field);
        if (Double.isNaN(a)) {
            return false;
        }
        double first = number(values.get(0), field);
        return switch (op) {
            case GT -> a > first;
            case GTE -> a >= first;
            case LT -> a < first;
            case LTE -> a <= first;
            case BETWEEN -> {
                double last = number(values.get(1), field);
                // Hours and days wrap: between 22 and 6 is the night.
                boolean wraps = (field == ContextField.HOUR || field == ContextField.DAY_OF_WEEK) && first > last;
                yield wraps ? a >= first || a <= last : a >= first && a <= last;
            }
            default -> false;
        };
    }

    private static double number(String value, ContextField field) {
        if (value == null) {
            return Double.NaN;
        }
        if (field == ContextField.DAY_OF_WEEK) {
            int day = dayNumber(value);
            return day == 0 ? Double.NaN : day;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String normal(String value, ContextField field) {
        if (field == ContextField.DAY_OF_WEEK) {
            int day = dayNumber(value);
            return day == 0 ? value.toLowerCase(Locale.ROOT) : DAYS[day - 1];
        }
        if (field == ContextField.HOUR) {
            try {
                return Integer.toString((int) Double.parseDouble(value.strip()));
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** 1 (Monday) to 7 from a number or an English day name (3 letters or more); 0 when neither. */
    static int dayNumber(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.length() == 1 && v.charAt(0) >= '1' && v.charAt(0) <= '7') {
            return v.charAt(0) - '0';
        }
        if (v.length() >= 3) {
            for (int i = 0; i < DAYS.length; i++) {
                if (v.startsWith(DAYS[i]) && java.time.DayOfWeek.of(i + 1).name().toLowerCase(Locale.ROOT)
                        .startsWith(v)) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private static String describe(Operator op, List<String> values) {
        if (op == Operator.EXISTS) {
            return "exists";
        }
        return op.wireName() + " " + (values.size() == 1 ? values.get(0) : values.toString());
    }

    private static String shown(String actual) {
        if (actual == null) {
            return "missing";
        }
        return actual.length() > 64 ? actual.substring(0, 64) + "..." : actual;
    }
}
