package dev.rialto.content.llm.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentKind;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The chat prompts: a system message with the rules the guardrails will check (so that most drafts pass the first
 * time) and a user message with the kind's instructions and the catalogue facts, the only facts the model may use.
 */
final class Prompts {

    /** What each kind is, for the model. */
    static final Map<ContentKind, String> KINDS = new EnumMap<>(ContentKind.class);

    static {
        KINDS.put(ContentKind.PRODUCT_DESCRIPTION, "a product description for the shop's product page: a few "
                + "sentences on what the product is and what it offers");
        KINDS.put(ContentKind.AD_HEADLINE, "a headline for a search or display ad: a few words, no final full stop");
        KINDS.put(ContentKind.AD_DESCRIPTION, "the description line of a search or display ad: one sentence");
        KINDS.put(ContentKind.EMAIL_SUBJECT, "the subject line of a marketing email");
        KINDS.put(ContentKind.EMAIL_BODY, "the body of a short marketing email: a greeting, two or three sentences "
                + "about the product, then the footer given below, verbatim");
        KINDS.put(ContentKind.PUSH_MESSAGE, "a mobile push notification: one short sentence");
    }

    private Prompts() {
    }

    static String languageName(String language) {
        return switch (language) {
            case "zh" -> "Simplified Chinese (product and brand names may stay as they are)";
            case "en" -> "English";
            default -> java.util.Locale.forLanguageTag(language).getDisplayLanguage(java.util.Locale.ENGLISH);
        };
    }

    static String system(ContentBrief brief) {
        StringBuilder s = new StringBuilder();
        s.append("You write marketing copy for an online shop. Persuade without lying.\n");
        s.append("Rules:\n");
        s.append("- Use only the facts given by the user. Do not invent numbers, prices, discounts, stock levels, ")
                .append("delivery terms, awards, certifications or health effects.\n");
        String banned = brief.context("banned.claims", "");
        if (!banned.isBlank()) {
            s.append("- Never use these words or phrases: ").append(banned).append(".\n");
        }
        String grounded = brief.context("grounded.claims", "");
        if (!grounded.isBlank()) {
            s.append("- Use these phrases only if the facts contain them: ").append(grounded).append(".\n");
        }
        s.append("- No email addresses, phone numbers or other personal data.\n");
        s.append("- Write in ").append(languageName(brief.language())).append(".\n");
        s.append("- Each text must have at most ").append(brief.maxLength()).append(" characters.\n");
        s.append("Answer with a JSON array of ").append(brief.variants())
                .append(" distinct strings, one per variant, and nothing else.");
        return s.toString();
    }

    static String user(ContentBrief brief) {
        StringBuilder u = new StringBuilder();
        u.append("Write ").append(brief.variants()).append(brief.variants() == 1 ? " variant of " : " variants of ")
                .append(KINDS.get(brief.kind())).append(".\n");
        if (brief.tone() != null) {
            u.append("Tone: ").append(brief.tone()).append(".\n");
        }
        if (brief.audience().segment() != null) {
            u.append("Audience segment: ").append(brief.audience().segment()).append(".\n");
        }
        brief.audience().traits().forEach((k, v) -> u.append("Audience ").append(k).append(": ").append(v)
                .append(".\n"));
        if (brief.audience().firstName() != null) {
            u.append("You may address the reader by first name: ").append(brief.audience().firstName())
                    .append(".\n");
        }
        u.append("Facts:\n");
        for (int i = 0; i < brief.items().size(); i++) {
            Item item = brief.items().get(i);
            u.append(i == 0 ? "Product:\n" : "Also recommended:\n");
            facts(item, u);
        }
        if (brief.kind() == ContentKind.EMAIL_BODY) {
            u.append("End the email with this footer, verbatim:\n").append(brief.context("footer", "")).append('\n');
        }
        if (!brief.feedback().isEmpty()) {
            u.append("Earlier drafts were rejected for these reasons; avoid them:\n");
            brief.feedback().forEach(f -> u.append("- ").append(f).append('\n'));
        }
        return u.toString();
    }

    private static void facts(Item item, StringBuilder u) {
        u.append("- title: ").append(item.title()).append('\n');
        if (item.brand() != null) {
            u.append("- brand: ").append(item.brand()).append('\n');
        }
        if (!item.category().isEmpty()) {
            u.append("- category: ").append(item.category()).append('\n');
        }
        if (item.price() != null) {
            u.append("- price: ").append(item.price().setScale(2, RoundingMode.HALF_UP).toPlainString())
                    .append(item.currency() == null ? "" : " " + item.currency()).append('\n');
        }
        u.append("- available: ").append(item.available() ? "yes" : "no").append('\n');
        item.attributes().forEach((k, v) -> u.append("- ").append(k).append(": ").append(v).append('\n'));
        if (!item.description().isEmpty()) {
            u.append("- description: ").append(item.description()).append('\n');
        }
    }
}
