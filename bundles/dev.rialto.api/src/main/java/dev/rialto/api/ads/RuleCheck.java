package dev.rialto.api.ads;

import dev.rialto.api.common.Require;

/**
 * One placement rule's verdict on one candidate.
 *
 * @param rule   the rule's name ({@code rialto.provider} of a plug-in rule)
 * @param passed whether the candidate may go on
 * @param reason why, for a person
 */
public record RuleCheck(String rule, boolean passed, String reason) {
    public RuleCheck {
        Require.nonBlank(rule, "rule");
        reason = reason == null ? "" : reason;
    }

    public static RuleCheck pass(String rule, String reason) {
        return new RuleCheck(rule, true, reason);
    }

    public static RuleCheck fail(String rule, String reason) {
        return new RuleCheck(rule, false, reason);
    }
}
