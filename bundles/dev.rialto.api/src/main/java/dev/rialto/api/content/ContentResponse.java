package dev.rialto.api.content;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * Generated copy with its provenance.
 *
 * @param kind              what the copy is for
 * @param locale            the locale of the copy
 * @param requestedProvider the provider the request or the configuration asked for
 * @param provider          the provider that drafted the variants (the template provider after a full fallback;
 *                          the requested one when at least one of its drafts passed)
 * @param fallback          whether any variant comes from the fallback instead of the requested provider
 * @param attempts          how many times the requested provider was asked
 * @param variants          the distinct variants that passed the guardrails, best first; never empty
 * @param rejected          reports of the drafts that failed the guardrails or were near-duplicates, in order
 * @param notes             why a fallback happened, provider errors and similar, without personal data
 * @param itemIds           the items the copy is about, the main one first (for a request with
 *                          {@link ContentRequest#recommend()}, the recommended items); empty when not known
 * @since 1.1 ({@code itemIds})
 */
public record ContentResponse(ContentKind kind, String locale, String requestedProvider, String provider,
        boolean fallback, int attempts, List<ContentVariant> variants, List<GuardrailReport> rejected,
        List<String> notes, List<String> itemIds) {

    public ContentResponse {
        Require.nonNull(kind, "kind");
        locale = Require.nonBlank(locale, "locale");
        requestedProvider = Require.nonBlank(requestedProvider, "requestedProvider");
        provider = Require.nonBlank(provider, "provider");
        Require.nonNull(variants, "variants");
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("variants must not be empty");
        }
        variants = List.copyOf(variants);
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
        notes = notes == null ? List.of() : List.copyOf(notes);
        itemIds = itemIds == null ? List.of() : List.copyOf(itemIds);
    }

    /** A response without the item ids (the form of version 1.0). */
    public ContentResponse(ContentKind kind, String locale, String requestedProvider, String provider,
            boolean fallback, int attempts, List<ContentVariant> variants, List<GuardrailReport> rejected,
            List<String> notes) {
        this(kind, locale, requestedProvider, provider, fallback, attempts, variants, rejected, notes, List.of());
    }

    /** The first (best) variant's text. */
    public String text() {
        return variants.get(0).text();
    }
}
