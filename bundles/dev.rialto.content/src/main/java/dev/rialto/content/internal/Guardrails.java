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

    Guardrails(Settings settings) {
        this.settings = settings;
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
        String lower = text.toLowerCase(Locale.ROOT);
        length(subject, text, findings);
        List<int[]> personal = new ArrayList<>();
        pii(subject, text, lower, findings, personal);
        banned(lower, findings);
        ungrounded(subject, text, lower, findings, personal);
        required(subject, lower, findings);
        language(subject, text, findings);
        return new GuardrailReport(findings, CHECKS);
    }

    private static void length(Subject subject, String text, List<GuardrailFinding> findings) {
        int length = text.codePointCount(0, text.length());
        if (length > subject.maxLength()) {
            findings.add(new GuardrailFinding(GuardrailFinding.LENGTH, true, "the text has " + length
                    + " characters, the limit for " + subject.kind().id() + " is " + subject.maxLength()));
        }
    }

    /** Finds personal data; adds the spans it found to {@code personal}, so no other message quotes them. */
    private void pii(Subject subject, String text, String lower, List<GuardrailFinding> findings,
            List<int[]> personal) {
        // The configured sender address and link may hold an address or phone; they are required, not leaked.
        String scanned = lower;
        for (String allowed : List.of(settings.senderAddress(), settings.unsubscribeUrl())) {
            if (!allowed.isBlank()) {
                // Blanked with as many spaces, so that offsets still match the text.
                scanned = scanned.replace(allowed.toLowerCase(Locale.ROOT), " ".repeat(allowed.length()));
            }
        }
        Matcher email = EMAIL.matcher(scanned);
        boolean anyEmail = false;
        while (email.find()) {
            anyEmail = true;
            personal.add(new int[] {email.start(), email.end()});
        }
        if (anyEmail) {
            findings.add(new GuardrailFinding(GuardrailFinding.PII, true, "the text contains an email address"));
        }
        Matcher run = DIGIT_RUN.matcher(scanned);
        boolean card = false;
        boolean phone = false;
        while (run.find()) {
            String raw = run.group().strip();
            String digits = raw.replaceAll("\\D", "");
            if (subject.facts().mentions(raw) || subject.facts().mentions(digits)) {
                continue; // a catalogue number (EAN, model), not personal data
            }
            if (digits.length() >= 13 && digits.length() <= 19 && luhn(digits) && !raw.contains(".")) {
                card = true;
                personal.add(new int[] {run.start(), run.end()});
            } else if (digits.length() >= 8 && digits.length() <= 15 && !raw.contains(".")) {
                phone = true;
                personal.add(new int[] {run.start(), run.end()});
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

    private void ungrounded(Subject subject, String text, String lower, List<GuardrailFinding> findings,
            List<int[]> personal) {
        boolean blocking = settings.ungroundedBlocking();
        List<String> numbers = new ArrayList<>();
        Matcher n = Facts.NUMBER.matcher(text);
        while (n.find()) {
            String raw = n.group();
            int at = n.start();
            if (personal.stream().anyMatch(span -> at >= span[0] && at < span[1])) {
                continue; // reported as personal data, and not to be quoted
            }
            if (!subject.facts().hasNumber(raw) && !numbers.contains(raw)) {
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

    private void required(Subject subject, String lower, List<GuardrailFinding> findings) {
        if (subject.kind() != ContentKind.EMAIL_BODY) {
            return;
        }
        boolean link = lower.contains(settings.unsubscribeUrl().toLowerCase(Locale.ROOT));
        boolean word = settings.unsubscribeWords().stream().anyMatch(lower::contains);
        if (!link || !word) {
            findings.add(new GuardrailFinding(GuardrailFinding.REQUIRED_ELEMENT, true,
                    "an email body needs an unsubscribe footer: the word unsubscribe and the link "
                            + settings.unsubscribeUrl()));
        }
        if (!lower.contains(settings.senderAddress().toLowerCase(Locale.ROOT))) {
            findings.add(new GuardrailFinding(GuardrailFinding.REQUIRED_ELEMENT, true,
                    "an email body needs the sender's postal address"));
        }
    }

    /**
     * The text's own words must be in the locale's script. Words copied from the catalogue (product names, brands)
     * do not count: an English product name is fine in Chinese copy.
     */
    private static void language(Subject subject, String text, List<GuardrailFinding> findings) {
        int han = 0;
        int latin = 0;
        Matcher w = Facts.WORD.matcher(text);
        while (w.find()) {
            String word = w.group();
            if (word.chars().anyMatch(Character::isLetter)
                    && !subject.facts().hasWord(word.toLowerCase(Locale.ROOT))) {
                latin += word.length();
            }
        }
        Matcher h = HAN_RUN.matcher(text);
        while (h.find()) {
            if (!subject.facts().mentions(h.group())) {
                han += h.group().length();
            }
        }
        String language = subject.language();
        if (language.equals("zh")) {
            if (han == 0 || han * 2 < latin / 2) {
                findings.add(new GuardrailFinding(GuardrailFinding.LANGUAGE, true,
                        "the locale is Chinese but the text's own words are not in Chinese script"));
            }
        } else if (language.equals("ja") || language.equals("ko")) {
            return; // scripts mix Han with others; not checked
        } else if (han > 0 || latin == 0 && hasOwnLetters(text, subject)) {
            findings.add(new GuardrailFinding(GuardrailFinding.LANGUAGE, true,
                    "the locale is " + language + " but the text contains Chinese script"));
        }
    }

    private static boolean hasOwnLetters(String text, Subject subject) {
        return text.codePoints().anyMatch(c -> Character.isLetter(c) && Character.UnicodeScript.of(c)
                != Character.UnicodeScript.LATIN && Character.UnicodeScript.of(c) != Character.UnicodeScript.HAN);
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
