package dev.rialto.api.content;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.Require;
import java.util.List;

/**
 * What a {@link ContentProvider} is asked to draft: the request with its items resolved from the catalogue and the
 * audience already stripped of what consent does not allow.
 *
 * @param kind      what the copy is for
 * @param locale    BCP 47 language tag of the copy
 * @param items     the catalogue records, the main item first; the only facts a provider may state
 * @param audience  who the copy is for; the first name is present only when consent allows it
 * @param tone      the tone, or null
 * @param maxLength the channel's limit in characters
 * @param variants  how many variants to draft
 * @param attempt   1 for the first try, 2 and up for regenerations
 * @param feedback  on regeneration, why earlier drafts failed the guardrails (messages without personal data)
 * @param context   deployment values by name: {@code footer} (the text every email body must end with),
 *                  {@code sender.address}, {@code unsubscribe.url}, {@code banned.claims} and
 *                  {@code grounded.claims} (comma-separated phrases the guardrails reject or require grounding for)
 */
public record ContentBrief(ContentKind kind, String locale, List<Item> items, Audience audience, String tone,
        int maxLength, int variants, int attempt, List<String> feedback, java.util.Map<String, String> context) {

    public ContentBrief {
        Require.nonNull(kind, "kind");
        locale = Require.nonBlank(locale, "locale");
        Require.nonNull(items, "items");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("items must not be empty");
        }
        items = List.copyOf(items);
        audience = audience == null ? Audience.ANYONE : audience;
        Require.positive(maxLength, "maxLength");
        Require.positive(variants, "variants");
        Require.positive(attempt, "attempt");
        feedback = feedback == null ? List.of() : List.copyOf(feedback);
        context = context == null ? java.util.Map.of() : java.util.Map.copyOf(context);
    }

    /** The main item. */
    public Item item() {
        return items.get(0);
    }

    /** The language part of the locale, lower case. */
    public String language() {
        return ContentRequest.languageOf(locale);
    }

    /** A context value, or the fallback when absent. */
    public String context(String name, String fallback) {
        return context.getOrDefault(name, fallback);
    }
}
