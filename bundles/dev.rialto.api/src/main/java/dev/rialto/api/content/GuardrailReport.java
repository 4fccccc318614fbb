package dev.rialto.api.content;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * What the guardrails said about one text.
 *
 * @param findings every finding, blocking ones first
 * @param checks   the names of the checks that ran
 */
public record GuardrailReport(List<GuardrailFinding> findings, List<String> checks) {

    public GuardrailReport {
        Require.nonNull(findings, "findings");
        findings = findings.stream().sorted((a, b) -> Boolean.compare(b.blocking(), a.blocking())).toList();
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** True when no finding is blocking. */
    public boolean passed() {
        return findings.stream().noneMatch(GuardrailFinding::blocking);
    }

    /** The blocking findings. */
    public List<GuardrailFinding> violations() {
        return findings.stream().filter(GuardrailFinding::blocking).toList();
    }
}
