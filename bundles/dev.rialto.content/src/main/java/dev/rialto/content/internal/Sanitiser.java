package dev.rialto.content.internal;

import dev.rialto.api.content.ContentKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * The last resort of the fallback: turns a template's text that still fails the guardrails into compliant text by
 * removing what is wrong instead of adding anything. Sentences with banned or ungrounded claims or personal data
 * go, the text is cut at a word boundary to the limit, and an email body gets its required footer.
 */
final class Sanitiser {

    private final Guardrails guardrails;

    Sanitiser(Guardrails guardrails) {
        this.guardrails = guardrails;
    }

    String sanitise(Guardrails.Subject subject, String text, String footer, String safeText) {
        String body = text == null ? "" : text;
        if (subject.kind() == ContentKind.EMAIL_BODY && !footer.isEmpty()) {
            int at = body.indexOf(footer);
            if (at >= 0) {
                body = body.substring(0, at); // put back below, after the body is cleaned
            }
        }
        List<String> kept = new ArrayList<>();
        for (String sentence : sentences(body)) {
            if (sentenceOk(subject, sentence)) {
                kept.add(sentence);
            }
        }
        String cleaned = String.join(" ", kept).strip();
        if (cleaned.isEmpty()) {
            cleaned = safeText;
        }
        if (subject.kind() == ContentKind.EMAIL_BODY) {
            int room = subject.maxLength() - footer.length() - 2;
            cleaned = cut(cleaned, Math.max(room, 1)) + "\n\n" + footer;
        } else {
            cleaned = cut(cleaned, subject.maxLength());
        }
        return cleaned;
    }

    /** A sentence is kept when, checked alone, it has no PII, banned or ungrounded claim. */
    private boolean sentenceOk(Guardrails.Subject subject, String sentence) {
        Guardrails.Subject loose = new Guardrails.Subject(ContentKind.PRODUCT_DESCRIPTION, subject.language(),
                Integer.MAX_VALUE, subject.items(), subject.audience(), subject.firstNameAllowed(), subject.facts());
        return guardrails.check(loose, sentence).violations().stream().noneMatch(f -> !f.check().equals("language"));
    }

    /** Up to a full stop followed by a space or the end (so "£59.00" stays whole), a CJK stop, or a line end. */
    private static final java.util.regex.Pattern TRAILING_PUNCTUATION =
            java.util.regex.Pattern.compile("[\\s,;:–—-]+$");
    private static final java.util.regex.Pattern SENTENCE = java.util.regex.Pattern.compile(
            "[^\\n]+?(?:[.!?]+(?=\\s|$)|[。！？]+|$)", java.util.regex.Pattern.MULTILINE);

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE.matcher(text);
        while (m.find()) {
            String s = m.group().strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The text cut to at most {@code max} code points, at a word boundary when there is one, with an ellipsis. */
    static String cut(String text, int max) {
        String t = text.strip();
        if (t.codePointCount(0, t.length()) <= max) {
            return t;
        }
        int end = t.offsetByCodePoints(0, Math.max(0, max - 1));
        String head = t.substring(0, end);
        int space = head.lastIndexOf(' ');
        if (space > max / 2) {
            head = head.substring(0, space);
        }
        head = TRAILING_PUNCTUATION.matcher(head).replaceAll("");
        return head + "…";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
