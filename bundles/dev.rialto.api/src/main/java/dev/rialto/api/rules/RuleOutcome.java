package dev.rialto.api.rules;

import dev.rialto.api.common.Require;

/**
 * The result of evaluating a rule.
 *
 * @param matched whether the rule is true for the facts
 * @param reason  why, for a person: the deciding leaf with its path and the value seen, for example
 *                {@code $.all[1]: context country in [DE, AT] was FR}
 */
public record RuleOutcome(boolean matched, String reason) {
    public RuleOutcome {
        reason = Require.nonBlank(reason, "reason");
    }
}
