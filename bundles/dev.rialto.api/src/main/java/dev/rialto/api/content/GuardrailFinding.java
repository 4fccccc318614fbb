package dev.rialto.api.content;

import dev.rialto.api.common.Require;

/**
 * One thing a guardrail found in a text.
 *
 * @param check    which guardrail: {@link #LENGTH}, {@link #PII}, {@link #BANNED_CLAIM}, {@link #UNGROUNDED},
 *                 {@link #REQUIRED_ELEMENT}, {@link #LANGUAGE}, {@link #EMPTY} or {@link #DUPLICATE}
 * @param blocking whether the finding fails the text (false: a warning only)
 * @param message  what is wrong, without the personal data it found (a PII finding names the kind, not the value)
 */
public record GuardrailFinding(String check, boolean blocking, String message) {

    public static final String LENGTH = "length";
    public static final String PII = "pii";
    public static final String BANNED_CLAIM = "banned-claim";
    public static final String UNGROUNDED = "ungrounded";
    public static final String REQUIRED_ELEMENT = "required-element";
    public static final String LANGUAGE = "language";
    public static final String EMPTY = "empty";
    /** Too similar (cosine above the threshold) to a variant already accepted. */
    public static final String DUPLICATE = "duplicate";

    public GuardrailFinding {
        check = Require.nonBlank(check, "check");
        message = Require.nonBlank(message, "message");
    }
}
