package dev.rialto.api.rules;

import org.osgi.annotation.versioning.ProviderType;

/** Parses, prints and evaluates {@link Rule}s. Thread-safe. */
@ProviderType
public interface RuleEvaluator {

    /**
     * Parses a rule from JSON, for example
     * {@code {"all":[{"context":"country","op":"in","values":["DE","AT"]},{"behaviour":"view","category":"Shoes","withinDays":7}]}}.
     *
     * @throws RuleException naming the path of the offending field
     */
    Rule parse(String json);

    /** The rule as JSON that {@link #parse(String)} reads back to an equal rule. */
    String toJson(Rule rule);

    /** Evaluates the rule; a null rule matches everybody. Never throws for well-formed rules. */
    RuleOutcome evaluate(Rule rule, RuleFacts facts);
}
