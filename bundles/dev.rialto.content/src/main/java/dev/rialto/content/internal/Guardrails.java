package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks every draft passes, whatever its provider: length, PII, banned claims, ungrounded claims, required
 * elements of emails and the script of the locale's language. Pure and thread-safe; a check costs microseconds
 * (regular expressions over a few hundred characters), so it runs on every draft.
 */
final class Guardrails {

    static final List<String> CHECKS = List.of(GuardrailFinding.EMPTY, GuardrailFinding.LENGTH, GuardrailFinding.PII,
            GuardrailFinding.BANNED_CLAIM, GuardrailFinding.UNGROUNDED, GuardrailFinding.REQUIRED_ELEMENT,
            GuardrailFinding.LANGUAGE);

    static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+");
    /** Digit runs with the separators people write in phone and card numbers. */
    static final Pattern DIGIT_RUN = Pattern.compile("\\+?\\(?\\d[\\d ()./-]{6,}\\d");
    static final Pattern HAN_RUN = Pattern.compile("\\p{IsHan}+");

    /**
     * Settings.
     *
     * @param bannedClaims       phrases no copy may contain, lower case
     * @param groundedClaims     phrases copy may contain only when the item's data does, lower case
     * @param ungroundedBlocking whether numbers and claims missing from the item's data fail the text
     * @param senderAddress      the sender's postal address every email body must contain
     * @param unsubscribeUrl     the unsubscribe link (or the placeholder the delivery replaces) every email body
     *                           must contain
     * @param unsubscribeWords   one of these words must label the link, lower case
     */
    record Settings(List<String> bannedClaims, List<String> groundedClaims, boolean ungroundedBlocking,
            String senderAddress, String unsubscribeUrl, List<String> unsubscribeWords) {
        Settings {
            bannedClaims = lower(bannedClaims);
            groundedClaims = lower(groundedClaims);
            unsubscribeWords = lower(unsubscribeWords);
        }

        private static List<String> lower(List<String> values) {
            return values.stream().map(String::strip).filter(v -> !v.isEmpty())
                    .map(v -> v.toLowerCase(Locale.ROOT)).toList();
        }

        static Settings defaults() {
            return new Settings(ContentConfigDefaults.BANNED, ContentConfigDefaults.GROUNDED, true,
                    ContentConfigDefaults.SENDER, ContentConfigDefaults.UNSUBSCRIBE_URL,
                    ContentConfigDefaults.UNSUBSCRIBE_WORDS);
        }
    }

    /** What one check needs to know about the request. */
    record Subject(ContentKind kind, String language, int maxLength, List<Item> items, Audience audience,
            boolean firstNameAllowed, Facts facts) {
    }

    private final Settings settings;
    // lower-cased once: the checks run per draft
    private final String senderLower;
    private final String unsubscribeLower;

    Guardrails(Settings settings) {
        this.settings = settings;
        this.senderLower = settings.senderAddress().toLowerCase(Locale.ROOT);
        this.unsubscribeLower = settings.unsubscribeUrl().toLowerCase(Locale.ROOT);
    }

    Settings settings() {
        return settings;
    }

    Subject subject(ContentKind kind, String language, int maxLength, List<Item> items, Audience audience,
            boolean firstNameAllowed) {
        List<String> extra = new ArrayList<>(List.of(settings.senderAddress(), settings.unsubscribeUrl()));
        if (firstNameAllowed && audience.firstName() != null) {
            extra.add(audience.firstName());
        }
        return new Subject(kind, language, maxLength, items, audience, firstNameAllowed, Facts.of(items, extra));
    }

    GuardrailReport check(Subject subject, String text) {
        List<GuardrailFinding> findings = new ArrayList<>();
        if (text == null || text.isBlank()) {
            findings.add(new GuardrailFinding(GuardrailFinding.EMPTY, true, "the text is empty"));
            return new GuardrailReport(findings, CHECKS);
        }
        // Kept cheap and allocation-light (the target is well under 1 ms per variant): one lower-cased copy, the
        // regular expressions only when the text has the character they need, hand-written scans elsewhere.
        String lower = text.toLowerCase(Locale.ROOT);
        boolean digits = hasDigit(text);
        length(subject, text, findings);
        List<int[]> personal = pii(subject, text, lower, digits, findings);
        banned(lower, findings);
        ungrounded(subject, text, lower, digits, findings, personal);
        required(subject, lower, findings);
        language(subject, lower, findings);
        return new GuardrailReport(findings, CHECKS);
    }

    private static void length(Subject subject, String text, List<GuardrailFinding> findings) {
        int length = text.codePointCount(0, text.length());
        if (length > subject.maxLength()) {
            findings.add(new GuardrailFinding(GuardrailFinding.LENGTH, true, "the text has " + length
                    + " characters, the limit for " + subject.kind().id() + " is " + subject.maxLength()));
        }
    }

    /**
     * Finds personal data; returns the spans it found (empty when none), so that no other message quotes them.
     */
    private List<int[]> pii(Subject subject, String text, String lower, boolean hasDigits,
            List<GuardrailFinding> findings) {
        List<int[]> personal = List.of();
        // The configured sender address and link may hold an address or phone; they are required, not leaked.
        CharSequence scanned = blank(lower, senderLower, unsubscribeLower);
        if (lower.indexOf('@') >= 0) {
            Matcher email = EMAIL.matcher(scanned);
            boolean anyEmail = false;
            while (email.find()) {
                anyEmail = true;
                personal = add(personal, email.start(), email.end());
            }
            if (anyEmail) {
                findings.add(new GuardrailFinding(GuardrailFinding.PII, true, "the text contains an email address"));
            }
        }
        boolean card = false;
        boolean phone = false;
        Matcher run = hasDigits ? DIGIT_RUN.matcher(scanned) : null;
        int from = 0;
        while (run != null && find(run, scanned, from, true)) {
            from = run.end();
            String raw = run.group().strip();
            String digits = digitsOf(raw);
            if (subject.facts().mentions(raw) || subject.facts().mentions(digits)) {
                continue; // a catalogue number (EAN, model), not personal data
            }
            if (digits.length() >= 13 && digits.length() <= 19 && luhn(digits) && !raw.contains(".")) {
                card = true;
                personal = add(personal, run.start(), run.end());
            } else if (digits.length() >= 8 && digits.length() <= 15 && !raw.contains(".")) {
                phone = true;
                personal = add(personal, run.start(), run.end());
            }
        }
        if (card) {
            findings.add(new GuardrailFinding(GuardrailFinding.PII, true, "the text contains a payment card number"));
        }
        if (phone) {
            findings.add(new GuardrailFinding(GuardrailFinding.PII, true, "the text contains a phone number"));
        }
        String name = subject.audience().firstName();
        if (name != null && !subject.firstNameAllowed() && containsWord(text, name)) {
            findings.add(new GuardrailFinding(GuardrailFinding.PII, true,
                    "the text contains the recipient's first name, but consent does not allow personalisation"));
        }
        return personal;
    }

    private static List<int[]> add(List<int[]> spans, int start, int end) {
        List<int[]> out = spans.isEmpty() ? new ArrayList<>() : spans;
        out.add(new int[] {start, end});
        return out;
    }

    /**
     * The text with each occurrence of the values replaced by as many spaces, so that offsets still match; the text
     * itself when it holds none (one copy at most, which the matchers read as it is).
     */
    private static CharSequence blank(String text, String... values) {
        StringBuilder out = null;
        for (String value : values) {
            if (value.isBlank()) {
                continue;
            }
            for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length())) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                for (int i = at; i < at + value.length(); i++) {
                    out.setCharAt(i, ' ');
                }
            }
        }
        return out == null ? text : out;
    }

    /**
     * {@link Matcher#find(int)} for the digit expressions, which can only match from a digit (or a {@code +} or
     * {@code (} before one): tries those positions alone, anchored, instead of letting the engine attempt a match at
     * every character of the text (most of the check's time before).
     */
    static boolean find(Matcher m, CharSequence text, int from, boolean plusOrParen) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' || plusOrParen && (c == '+' || c == '(')) {
                m.region(i, n);
                if (m.lookingAt()) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String digitsOf(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isDigit(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private void banned(String lower, List<GuardrailFinding> findings) {
        for (String phrase : settings.bannedClaims()) {
            if (containsPhrase(lower, phrase)) {
                findings.add(new GuardrailFinding(GuardrailFinding.BANNED_CLAIM, true,
                        "the text makes a banned claim: '" + phrase + "'"));
            }
        }
    }

    private void ungrounded(Subject subject, String text, String lower, boolean hasDigits,
            List<GuardrailFinding> findings, List<int[]> personal) {
        boolean blocking = settings.ungroundedBlocking();
        List<String> numbers = List.of();
        Matcher n = hasDigits ? Facts.NUMBER.matcher(text) : null;
        int from = 0;
        while (n != null && find(n, text, from, false)) {
            from = n.end();
            int at = n.start();
            if (inside(personal, at)) {
                continue; // reported as personal data, and not to be quoted
            }
            String raw = n.group();
            if (!subject.facts().hasNumber(raw) && !numbers.contains(raw)) {
                if (numbers.isEmpty()) {
                    numbers = new ArrayList<>();
                }
                numbers.add(raw);
            }
        }
        if (!numbers.isEmpty()) {
            findings.add(new GuardrailFinding(GuardrailFinding.UNGROUNDED, blocking,
                    "numbers not in the item's data: " + String.join(", ", numbers)));
        }
        for (String claim : settings.groundedClaims()) {
            if (containsPhrase(lower, claim) && !subject.facts().mentions(claim)) {
                findings.add(new GuardrailFinding(GuardrailFinding.UNGROUNDED, blocking,
                        "a claim not in the item's data: '" + claim + "'"));
            }
        }
    }

    private static boolean inside(List<int[]> spans, int at) {
        for (int[] span : spans) {
            if (at >= span[0] && at < span[1]) {
                return true;
            }
        }
        return false;
    }

    private void required(Subject subject, String lower, List<GuardrailFinding> findings) {
        if (subject.kind() != ContentKind.EMAIL_BODY) {
            return;
        }
        boolean link = lower.contains(unsubscribeLower);
        boolean word = false;
        for (String w : settings.unsubscribeWords()) {
            word |= lower.contains(w);
        }
        if (!link || !word) {
            findings.add(new GuardrailFinding(GuardrailFinding.REQUIRED_ELEMENT, true,
                    "an email body needs an unsubscribe footer: the word unsubscribe and the link "
                            + settings.unsubscribeUrl()));
        }
        if (!lower.contains(senderLower)) {
            findings.add(new GuardrailFinding(GuardrailFinding.REQUIRED_ELEMENT, true,
                    "an email body needs the sender's postal address"));
        }
    }

    /**
     * The text's own words must be in the locale's script. Words copied from the catalogue (product names, brands)
     * do not count: an English product name is fine in Chinese copy. A hand-written scan of the lower-cased text
     * (Latin words as {@link Facts#WORD} reads them, Han runs), allocating only the Han runs it looks up.
     */
    private static void language(Subject subject, String lower, List<GuardrailFinding> findings) {
        String language = subject.language();
        if (language.equals("ja") || language.equals("ko")) {
            return; // scripts mix Han with others; not checked
        }
        int han = 0;
        int latin = 0;
        boolean otherLetters = false;
        int length = lower.length();
        int i = 0;
        while (i < length) {
            int c = lower.codePointAt(i);
            if (wordChar(c)) {
                int start = i;
                boolean letter = false;
                int j = i;
                while (j < length) {
                    int d = lower.codePointAt(j);
                    if (wordChar(d)) {
                        letter |= Character.isLetter(d);
                        j += Character.charCount(d);
                    } else if ((d == '\'' || d == '’' || d == '-') && j + 1 < length
                            && wordChar(lower.codePointAt(j + 1))) {
                        j++;
                    } else {
                        break;
                    }
                }
                if (letter && !subject.facts().hasWord(lower, start, j)) {
                    latin += j - start;
                }
                i = j;
            } else if (han(c)) {
                int start = i;
                int j = i;
                while (j < length && han(lower.codePointAt(j))) {
                    j += Character.charCount(lower.codePointAt(j));
                }
                if (!subject.facts().mentions(lower.substring(start, j))) {
                    han += j - start;
                }
                i = j;
            } else {
                otherLetters |= Character.isLetter(c);
                i += Character.charCount(c);
            }
        }
        if (language.equals("zh")) {
            if (han == 0 || han * 2 < latin / 2) {
                findings.add(new GuardrailFinding(GuardrailFinding.LANGUAGE, true,
                        "the locale is Chinese but the text's own words are not in Chinese script"));
            }
        } else if (han > 0 || latin == 0 && otherLetters) {
            findings.add(new GuardrailFinding(GuardrailFinding.LANGUAGE, true,
                    "the locale is " + language + " but the text contains Chinese script"));
        }
    }

    /** A Han character ({@code \\p{IsHan}}); the common block answered without the script table. */
    static boolean han(int c) {
        return c >= 0x4E00 && c <= 0x9FFF || c >= 0x2E80 && Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
    }

    /** A character of a Latin-script word or a number, as {@code [\\p{IsLatin}\\p{N}]} matches it. */
    static boolean wordChar(int c) {
        if (c < 128) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
        }
        if (c >= 0x4E00 && c <= 0x9FFF) {
            return false; // the common Han block, without the script table's binary search
        }
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER || Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN;
    }

    static boolean containsPhrase(String lowerText, String phrase) {
        int at = lowerText.indexOf(phrase);
        while (at >= 0) {
            boolean startOk = at == 0 || !Character.isLetterOrDigit(lowerText.charAt(at - 1))
                    || !isLatinWordChar(phrase.charAt(0));
            int end = at + phrase.length();
            boolean endOk = end >= lowerText.length() || !Character.isLetterOrDigit(lowerText.charAt(end))
                    || !isLatinWordChar(phrase.charAt(phrase.length() - 1));
            if (startOk && endOk) {
                return true;
            }
            at = lowerText.indexOf(phrase, at + 1);
        }
        return false;
    }

    private static boolean isLatinWordChar(char c) {
        return Character.isLetterOrDigit(c) && Character.UnicodeScript.of(c) != Character.UnicodeScript.HAN;
    }

    private static boolean containsWord(String text, String word) {
        return containsPhrase(text.toLowerCase(Locale.ROOT), word.toLowerCase(Locale.ROOT));
    }
}
