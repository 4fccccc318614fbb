package dev.rialto.api.content;

import dev.rialto.api.common.Require;

/**
 * One generated text.
 *
 * @param text     the copy
 * @param provider the provider that drafted it (after a fallback, the template provider)
 * @param attempt  the attempt that produced it, 1 for the first try
 * @param report   the guardrails' report on this text
 */
public record ContentVariant(String text, String provider, int attempt, GuardrailReport report) {
    public ContentVariant {
        text = Require.nonBlank(text, "text");
        provider = Require.nonBlank(provider, "provider");
        Require.positive(attempt, "attempt");
        Require.nonNull(report, "report");
    }
}
