package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.profiles.Consent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardrailsTest {
    private final Guardrails guardrails = new Guardrails(Guardrails.Settings.defaults());

    private GuardrailReport check(ContentKind kind, String language, String text) {
        return guardrails.check(guardrails.subject(kind, language, kind.defaultMaxLength(), List.of(Fixtures.LAMP),
                Audience.ANYONE, false), text);
    }

    private static List<String> failed(GuardrailReport report) {
        return report.violations().stream().map(GuardrailFinding::check).distinct().toList();
    }

    @Test
    void groundedCopyPasses() {
        GuardrailReport report = check(ContentKind.AD_DESCRIPTION, "en",
                "Lumina Soft Desk Lamp with a dimmer and a USB port, now £49.90.");
        assertTrue(report.passed(), report.toString());
        assertEquals(Guardrails.CHECKS, report.checks());
    }

    @Test
    void lengthIsCountedInCharactersPerChannel() {
        assertEquals(List.of(GuardrailFinding.LENGTH), failed(check(ContentKind.AD_HEADLINE, "en",
                "Lumina Soft Desk Lamp LS-240, Teal")));
        assertTrue(check(ContentKind.AD_HEADLINE, "en", "Lumina Soft Desk Lamp").passed());
        // 30 Han characters are 30 characters, not 90 bytes.
        assertTrue(check(ContentKind.AD_HEADLINE, "zh", "好物推荐好物推荐好物推荐好物推荐好物推荐好物推荐好物推荐好物").passed());
    }

    @Test
    void personalDataIsFound() {
        assertEquals(List.of(GuardrailFinding.PII), failed(check(ContentKind.PUSH_MESSAGE, "en",
                "Lumina Soft Desk Lamp: write to anna.smith@example.com")));
        // Reported once, as personal data (not again as an ungrounded number quoting its digits).
        assertEquals(List.of(GuardrailFinding.PII), failed(check(
                ContentKind.PUSH_MESSAGE, "en", "Lumina Soft Desk Lamp: call +44 20 7946 0958 today")));
        // 4111 1111 1111 1111 passes the Luhn check: a card number.
        GuardrailReport card = check(ContentKind.PUSH_MESSAGE, "en", "Pay with 4111 1111 1111 1111 for the lamp");
        assertTrue(card.violations().stream().anyMatch(f -> f.message().contains("payment card")), card.toString());
        // The message names the kind of data, never the value.
        assertTrue(card.findings().stream().noneMatch(f -> f.message().contains("4111")));
    }

    @Test
    void luhn() {
        assertTrue(Guardrails.luhn("4111111111111111"));
        assertTrue(Guardrails.luhn("79927398713"));
        assertFalse(Guardrails.luhn("4111111111111112"));
    }

    @Test
    void pricesAndCatalogueNumbersAreNotPhoneNumbers() {
        assertTrue(check(ContentKind.AD_DESCRIPTION, "en", "Lumina Soft Desk Lamp LS-240 for £49.90").passed());
    }

    @Test
    void bannedClaimsFailWhateverTheCase() {
        GuardrailReport report = check(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp: GUARANTEED to cure insomnia");
        assertTrue(failed(report).contains(GuardrailFinding.BANNED_CLAIM));
        assertEquals(2, report.violations().stream()
                .filter(f -> f.check().equals(GuardrailFinding.BANNED_CLAIM)).count());
        // Word boundaries: "secure" does not contain the claim "cure".
        assertTrue(check(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp with a secure dimmer").passed());
        assertTrue(failed(check(ContentKind.AD_DESCRIPTION, "zh", "保证好用的台灯")).contains(
                GuardrailFinding.BANNED_CLAIM));
    }

    @Test
    void numbersAndClaimsMissingFromTheItemAreUngrounded() {
        GuardrailReport price = check(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp, now only £39.90");
        assertEquals(List.of(GuardrailFinding.UNGROUNDED), failed(price));
        assertTrue(price.violations().get(0).message().contains("39.90"));
        assertEquals(List.of(GuardrailFinding.UNGROUNDED), failed(check(ContentKind.AD_DESCRIPTION, "en",
                "Lumina lamp with free shipping")));
        assertEquals(List.of(GuardrailFinding.UNGROUNDED), failed(check(ContentKind.AD_DESCRIPTION, "en",
                "Lumina lamp: 50% off")));
        // What the record says is grounded: the 2 metre cable, the price with or without trailing zero.
        assertTrue(check(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp, 2 metre cable, £49.9").passed());
    }

    @Test
    void ungroundedIsAWarningWhenConfiguredSo() {
        Guardrails lenient = new Guardrails(new Guardrails.Settings(ContentConfigDefaults.BANNED,
                ContentConfigDefaults.GROUNDED, false, ContentConfigDefaults.SENDER,
                ContentConfigDefaults.UNSUBSCRIBE_URL, ContentConfigDefaults.UNSUBSCRIBE_WORDS));
        GuardrailReport report = lenient.check(lenient.subject(ContentKind.AD_DESCRIPTION, "en", 90,
                List.of(Fixtures.LAMP), Audience.ANYONE, false), "Lumina lamp, now only £39.90");
        assertTrue(report.passed());
        assertEquals(GuardrailFinding.UNGROUNDED, report.findings().get(0).check());
    }

    @Test
    void emailBodiesNeedTheFooter() {
        String body = "Hello,\n\nmeet the Lumina Soft Desk Lamp.";
        GuardrailReport report = check(ContentKind.EMAIL_BODY, "en", body);
        assertEquals(2, report.violations().size());
        assertEquals(List.of(GuardrailFinding.REQUIRED_ELEMENT), failed(report));
        String footer = "\n\nUnsubscribe: " + ContentConfigDefaults.UNSUBSCRIBE_URL + "\n" + ContentConfigDefaults.SENDER;
        assertTrue(check(ContentKind.EMAIL_BODY, "en", body + footer).passed());
        // The sender address holds numbers and a postcode; they are neither ungrounded nor PII.
        assertTrue(check(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp, " + ContentConfigDefaults.SENDER.substring(0,
                40)).passed());
    }

    @Test
    void theLanguageMustMatchTheLocaleButProductNamesMayStayInEnglish() {
        assertTrue(check(ContentKind.AD_DESCRIPTION, "zh", "为您推荐 Lumina Soft Desk Lamp，售价£49.90。").passed());
        assertEquals(List.of(GuardrailFinding.LANGUAGE), failed(check(ContentKind.AD_DESCRIPTION, "zh",
                "Lumina Soft Desk Lamp, a lovely gift for everyone")));
        assertEquals(List.of(GuardrailFinding.LANGUAGE), failed(check(ContentKind.AD_DESCRIPTION, "en",
                "Lumina Soft Desk Lamp 非常好")));
        assertTrue(check(ContentKind.AD_HEADLINE, "en", "Lumina Soft Desk Lamp").passed());
    }

    @Test
    void aFirstNameWithoutConsentIsPersonalData() {
        Audience anna = new Audience(null, "Anna", new Consent(false, null, null), Map.of());
        GuardrailReport report = guardrails.check(guardrails.subject(ContentKind.EMAIL_SUBJECT, "en", 78,
                List.of(Fixtures.LAMP), anna, false), "Anna, meet the Lumina Soft Desk Lamp");
        assertEquals(List.of(GuardrailFinding.PII), failed(report));
        GuardrailReport allowed = guardrails.check(guardrails.subject(ContentKind.EMAIL_SUBJECT, "en", 78,
                List.of(Fixtures.LAMP), anna, true), "Anna, meet the Lumina Soft Desk Lamp");
        assertTrue(allowed.passed(), allowed.toString());
    }

    @Test
    void emptyTextFails() {
        assertEquals(List.of(GuardrailFinding.EMPTY), failed(check(ContentKind.AD_HEADLINE, "en", "  ")));
    }

    @Test
    void theScriptScanReadsWordsAsTheCatalogueDoes() {
        // joined words and model codes of the catalogue count as catalogue words
        assertTrue(check(ContentKind.AD_DESCRIPTION, "zh", "推荐 LS-240 台灯").passed());
        // Cyrillic text is not English, Chinese with a few own English words still is Chinese
        assertEquals(List.of(GuardrailFinding.LANGUAGE), failed(check(ContentKind.AD_DESCRIPTION, "en",
                "Настольная лампа Lumina")));
        assertTrue(check(ContentKind.AD_DESCRIPTION, "zh", "这款台灯很适合晚上阅读 wow").passed());
        assertTrue(check(ContentKind.AD_DESCRIPTION, "en", "It's the Lumina lamp, teal and well-made").passed());
        Facts facts = Facts.of(List.of(Fixtures.LAMP), List.of());
        assertTrue(facts.hasWord("xx lumina yy", 3, 9));
        assertTrue(facts.hasWord("ls-240", 0, 6));
        assertFalse(facts.hasWord("luminax", 0, 7));
        assertFalse(facts.hasWord("lumin", 0, 5));
    }

    @Test
    void factsOfSeveralRecordsAnswerForEachAndAChangedItemIsReadAgain() {
        Facts facts = Facts.of(List.of(Fixtures.LAMP, Fixtures.PAD), List.of("Sender Street 12, Leeds"));
        for (String word : List.of("lumina", "dimmer", "orbit", "haptic", "gbp", "teal", "sender", "leeds")) {
            assertTrue(facts.hasWord(word), word);
        }
        assertFalse(facts.hasWord("zebra"));
        assertTrue(facts.hasNumber("49.90"));
        assertTrue(facts.hasNumber("59"), "the price of the second item");
        assertTrue(facts.hasNumber("12"), "a number of the request's own values");
        assertTrue(facts.hasNumber("49,90"), "a decimal comma");
        assertFalse(facts.hasNumber("39.90"));
        assertTrue(facts.mentions("soft-touch plastic"));
        assertFalse(facts.mentions("teal\ngaming"), "a phrase does not run from one record into the next");
        // The same item with another title and price is another record, scanned again.
        Item renamed = new Item(Fixtures.LAMP.id(), "Nova Desk Lamp", "A lamp.", Fixtures.LAMP.category(),
                new java.math.BigDecimal("39.90"), "GBP", true, "en", Map.of(), "Nova");
        Facts changed = Facts.of(List.of(renamed), List.of());
        assertTrue(changed.hasWord("nova"));
        assertFalse(changed.hasWord("lumina"));
        assertTrue(changed.hasNumber("39.90"));
        assertFalse(changed.hasNumber("49.90"));
        assertTrue(Facts.of(List.of(Fixtures.LAMP), List.of()).hasWord("lumina"), "the cached record unchanged");
    }

    @Test
    void aCheckIsCheapAndAllocatesLittle() {
        String footer = "\n\nYou receive this email because you subscribed to our news. Unsubscribe: "
                + ContentConfigDefaults.UNSUBSCRIBE_URL + "\n" + ContentConfigDefaults.SENDER;
        String body = "Hello,\n\nwe think you will like the Lumina Soft Desk Lamp LS-240. ".repeat(12)
                + "The Lumina desk lamp is made of brushed aluminium, with a dimmer and a USB port. It costs £49.90."
                + footer;
        Guardrails.Subject subject = guardrails.subject(ContentKind.EMAIL_BODY, "en", 2000, List.of(Fixtures.LAMP),
                Audience.ANYONE, false);
        assertTrue(guardrails.check(subject, body).passed(), guardrails.check(subject, body).toString());
        for (int i = 0; i < 5_000; i++) {
            guardrails.check(subject, body); // warm-up: JIT
        }
        if (java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean threads && threads.isThreadAllocatedMemorySupported()) {
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            int n = 1000;
            for (int i = 0; i < n; i++) {
                guardrails.check(subject, body);
            }
            long perCheck = (threads.getThreadAllocatedBytes(id) - before) / n;
            // the lower-cased copy of a ~1,200-character text (2.4 KB as UTF-16) and the report; nothing per word
            assertTrue(perCheck < 4 * body.length() + 2048, perCheck + " bytes per check of " + body.length()
                    + " characters");
        }
    }
}
