package dev.rialto.api.rules;

import dev.rialto.api.common.Require;
import dev.rialto.api.events.EventType;
import java.util.List;

/**
 * A targeting rule: a boolean expression tree. Inner nodes are {@link All}, {@link AnyOf} and {@link Not}; leaves
 * test a profile attribute, a segment, the request context or recent behaviour. Immutable; build one with the
 * records or parse JSON with {@link RuleEvaluator#parse(String)}.
 */
public sealed interface Rule permits Rule.All, Rule.AnyOf, Rule.Not, Rule.Attribute, Rule.Segment, Rule.Context,
        Rule.Behaviour, Rule.Always {

    /** Whether evaluating this rule reads personal data (profile, segments, behaviour). */
    boolean personal();

    /** True when every child is true (true when empty). */
    record All(List<Rule> rules) implements Rule {
        public All {
            rules = List.copyOf(Require.nonNull(rules, "all"));
        }

        @Override
        public boolean personal() {
            return rules.stream().anyMatch(Rule::personal);
        }
    }

    /** True when at least one child is true (false when empty). */
    record AnyOf(List<Rule> rules) implements Rule {
        public AnyOf {
            rules = List.copyOf(Require.nonNull(rules, "any"));
        }

        @Override
        public boolean personal() {
            return rules.stream().anyMatch(Rule::personal);
        }
    }

    record Not(Rule rule) implements Rule {
        public Not {
            Require.nonNull(rule, "not");
        }

        @Override
        public boolean personal() {
            return rule.personal();
        }
    }

    /** Constant; {@code {"always": true}} targets everybody. */
    record Always(boolean value) implements Rule {
        @Override
        public boolean personal() {
            return false;
        }
    }

    /** A profile attribute compared with values, for example {@code tier eq gold}. */
    record Attribute(String name, Operator op, List<String> values) implements Rule {
        public Attribute {
            name = Require.nonBlank(name, "attribute").strip();
            Require.nonNull(op, "op");
            values = List.copyOf(Require.nonNull(values, "values"));
            op.checkArity(values);
        }

        @Override
        public boolean personal() {
            return true;
        }
    }

    /** Membership of a named segment. */
    record Segment(String name) implements Rule {
        public Segment {
            name = Require.nonBlank(name, "segment").strip();
        }

        @Override
        public boolean personal() {
            return true;
        }
    }

    /** A request context field compared with values, for example {@code country in [DE, AT]}. */
    record Context(ContextField field, Operator op, List<String> values) implements Rule {
        public Context {
            Require.nonNull(field, "context");
            Require.nonNull(op, "op");
            values = List.copyOf(Require.nonNull(values, "values"));
            op.checkArity(values);
        }

        @Override
        public boolean personal() {
            return false;
        }
    }

    /**
     * Recent behaviour: at least {@code minCount} events of the type within {@code withinDays} days, optionally
     * restricted to a category (path prefix, case-insensitive) or one item. Example: viewed category Shoes
     * within 7 days.
     */
    record Behaviour(EventType type, String category, String item, int withinDays, int minCount) implements Rule {
        public static final int MAX_DAYS = 365;

        public Behaviour {
            Require.nonNull(type, "behaviour");
            category = Require.optional(category);
            item = Require.optional(item);
            if (withinDays < 1 || withinDays > MAX_DAYS) {
                throw new IllegalArgumentException("withinDays must be between 1 and " + MAX_DAYS + ", was "
                        + withinDays);
            }
            Require.positive(minCount, "minCount");
        }

        @Override
        public boolean personal() {
            return true;
        }
    }
}
