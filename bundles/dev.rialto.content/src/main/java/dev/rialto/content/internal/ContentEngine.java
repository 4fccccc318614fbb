package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentProviderException;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.content.UnknownItemException;
import dev.rialto.api.embeddings.TextEmbedder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generation loop behind {@link ContentGenerator}: draft, check, regenerate with the guardrails' feedback, fall
 * back to the template provider, and as a last resort sanitise. Free of OSGi so that it can be tested with plain
 * objects; the component supplies the live services.
 */
final class ContentEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ContentEngine.class);

    /**
     * Settings.
     *
     * @param defaultProvider             the provider for requests that name none
     * @param regenerations               how many times a provider is asked again after drafts failed (N)
     * @param duplicateSimilarity         cosine above which a variant counts as a duplicate of an accepted one
     * @param personalisationWhenUnknown  whether an unknown consent answer allows using the first name
     * @param maxLengths                  per-kind limits that replace the kinds' defaults
     */
    record Settings(String defaultProvider, int regenerations, double duplicateSimilarity,
            boolean personalisationWhenUnknown, Map<ContentKind, Integer> maxLengths) {
        Settings {
            maxLengths = Map.copyOf(maxLengths);
        }

        static Settings defaults() {
            return new Settings(ContentGenerator.TEMPLATE_PROVIDER, 2, 0.9, false, Map.of());
        }
    }

    private final Settings settings;
    private final Guardrails guardrails;
    private final Sanitiser sanitiser;
    private final ContentProvider template;
    private final Function<String, ContentProvider> providers;
    private final Supplier<Set<String>> providerNames;
    private final Function<Collection<String>, Map<String, Item>> items;
    private final Function<String, TextEmbedder> embedders;

    ContentEngine(Settings settings, Guardrails guardrails, ContentProvider template,
            Function<String, ContentProvider> providers, Supplier<Set<String>> providerNames,
            Function<Collection<String>, Map<String, Item>> items, Function<String, TextEmbedder> embedders) {
        this.settings = settings;
        this.guardrails = guardrails;
        this.sanitiser = new Sanitiser(guardrails);
        this.template = template;
        this.providers = providers;
        this.providerNames = providerNames;
        this.items = items;
        this.embedders = embedders;
    }

    Set<String> providers() {
        return providerNames.get();
    }

    /** The footer every email body ends with, in the locale's language. */
    String footer(String language) {
        Guardrails.Settings g = guardrails.settings();
        String text = language.equals("zh")
                ? "您收到这封邮件，是因为您订阅了我们的资讯。退订：" + g.unsubscribeUrl()
                : "You receive this email because you subscribed to our news. Unsubscribe: " + g.unsubscribeUrl();
        return text + "\n" + g.senderAddress();
    }

    int maxLength(ContentRequest request) {
        if (request.maxLength() != null) {
            return request.maxLength();
        }
        return settings.maxLengths().getOrDefault(request.kind(), request.kind().defaultMaxLength());
    }

    ContentResponse generate(ContentRequest request) {
        String requested = request.provider() == null ? settings.defaultProvider() : request.provider();
        ContentProvider provider = requested.equals(ContentGenerator.TEMPLATE_PROVIDER) ? template
                : providers.apply(requested);
        if (provider == null) {
            throw new IllegalArgumentException("provider: no content provider named '" + requested
                    + "' is available; available: " + String.join(", ", providers().stream().sorted().toList()));
        }
        Prepared p = prepare(request);
        Similarity similarity = new Similarity(embedders.apply(request.language()));
        // The email footer is the same in every body: compared with it, any two bodies look alike.
        Accepted accepted = new Accepted(similarity, settings.duplicateSimilarity(), p.footer());
        List<GuardrailReport> rejected = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> feedback = new ArrayList<>();
        int n = request.variants();
        int attempts = 0;
        boolean isTemplate = provider == template;

        for (int attempt = 1; attempt <= 1 + settings.regenerations() && accepted.size() < n; attempt++) {
            attempts = attempt;
            List<String> drafts;
            try {
                drafts = provider.draft(p.brief(n - accepted.size(), attempt, feedback));
            } catch (RuntimeException e) {
                // Provider errors are not retried here: providers retry their own transport.
                notes.add("provider " + requested + " failed: " + safeMessage(e));
                if (e instanceof ContentProviderException) {
                    // Expected failures (timeouts, server errors): the message says enough.
                    LOG.warn("Content provider {} failed on attempt {} ({}): {}", requested, attempt,
                            request.kind().id(), safeMessage(e));
                } else {
                    LOG.warn("Content provider {} failed on attempt {} ({})", requested, attempt,
                            request.kind().id(), e);
                }
                break;
            }
            if (drafts == null || drafts.isEmpty()) {
                notes.add("provider " + requested + " returned no draft on attempt " + attempt);
                continue;
            }
            for (String draft : drafts) {
                if (accepted.size() >= n) {
                    break;
                }
                String text = normalise(draft);
                GuardrailReport report = guardrails.check(p.subject(), text);
                if (!report.passed()) {
                    rejected.add(report);
                    report.violations().forEach(v -> {
                        if (!feedback.contains(v.message())) {
                            feedback.add(v.message());
                        }
                    });
                } else if (!accepted.offer(text, provider.name(), attempt, report)) {
                    rejected.add(duplicate(report));
                }
            }
        }
        boolean fallback = false;
        if (accepted.size() < n && !isTemplate) {
            fallback = true;
            notes.add(accepted.size() == 0
                    ? "fell back to the template provider: no draft of " + requested + " passed the guardrails"
                    : "filled with the template provider: " + accepted.size() + " of " + n + " drafts of "
                            + requested + " passed the guardrails");
        }
        if (accepted.size() < n) {
            fill(p, accepted, rejected, n, notes);
        }
        if (accepted.size() < n) {
            notes.add("only " + accepted.size() + " distinct variants could be generated");
        }
        String used = accepted.variants().stream().anyMatch(v -> v.provider().equals(provider.name()))
                ? provider.name() : ContentGenerator.TEMPLATE_PROVIDER;
        return new ContentResponse(request.kind(), request.locale(), requested, used, fallback, attempts,
                accepted.variants(), rejected, notes);
    }

    /** The template provider's drafts; those that fail are sanitised, and a safe text is the very last resort. */
    private void fill(Prepared p, Accepted accepted, List<GuardrailReport> rejected, int n, List<String> notes) {
        List<String> drafts;
        try {
            drafts = template.draft(p.brief(Math.max(n, 1) + 2, 1, List.of()));
        } catch (RuntimeException e) {
            LOG.warn("The template provider failed ({})", p.brief(1, 1, List.of()).kind().id(), e);
            notes.add("the template provider failed: " + safeMessage(e));
            drafts = List.of();
        }
        List<String> candidates = new ArrayList<>(drafts);
        String safe = safeText(p);
        candidates.add(safe);
        for (String draft : candidates) {
            if (accepted.size() >= n) {
                return;
            }
            String text = normalise(draft);
            GuardrailReport report = guardrails.check(p.subject(), text);
            if (!report.passed()) {
                rejected.add(report);
                text = sanitiser.sanitise(p.subject(), text, p.footer(), safe);
                report = guardrails.check(p.subject(), text);
                if (!report.passed()) {
                    rejected.add(report);
                    continue;
                }
            }
            if (!accepted.offer(text, ContentGenerator.TEMPLATE_PROVIDER, 1, report)) {
                rejected.add(duplicate(report));
            }
        }
        if (accepted.size() == 0) {
            // Whatever happened above, deliver the one text made of nothing but the item's title.
            String text = sanitiser.sanitise(p.subject(), safe, p.footer(), Sanitiser.cut(p.items().get(0).id(), 30));
            accepted.force(text, ContentGenerator.TEMPLATE_PROVIDER, guardrails.check(p.subject(), text));
        }
    }

    /** The title in a frame of the locale's language; for an email body with its footer. */
    private String safeText(Prepared p) {
        Item item = p.items().get(0);
        boolean zh = p.brief(1, 1, List.of()).language().equals("zh");
        String text = (zh ? "推荐：" : "") + item.title();
        if (p.brief(1, 1, List.of()).kind() == ContentKind.EMAIL_BODY) {
            int room = p.subject().maxLength() - p.footer().length() - 2;
            return Sanitiser.cut(text, Math.max(1, room)) + "\n\n" + p.footer();
        }
        return Sanitiser.cut(text, p.subject().maxLength());
    }

    /**
     * The guardrails' reports on the provider's first drafts for the request, without regeneration, de-duplication
     * or fallback: how good a provider is on its own (the benchmark's first-try pass rate).
     */
    List<GuardrailReport> firstDrafts(ContentRequest request) {
        String requested = request.provider() == null ? settings.defaultProvider() : request.provider();
        ContentProvider provider = requested.equals(ContentGenerator.TEMPLATE_PROVIDER) ? template
                : providers.apply(requested);
        if (provider == null) {
            throw new IllegalArgumentException("provider: no content provider named '" + requested + "'");
        }
        Prepared p = prepare(request);
        return provider.draft(p.brief(request.variants(), 1, List.of())).stream()
                .map(d -> guardrails.check(p.subject(), normalise(d))).toList();
    }

    GuardrailReport check(ContentRequest request, String text) {
        return guardrails.check(prepare(request).subject(), normalise(text));
    }

    private Prepared prepare(ContentRequest request) {
        Map<String, Item> found = items.apply(request.itemIds());
        List<String> missing = request.itemIds().stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new UnknownItemException(missing);
        }
        List<Item> resolved = request.itemIds().stream().map(found::get).toList();
        boolean allowed = request.audience().personalisationAllowed(settings.personalisationWhenUnknown());
        Audience audience = allowed ? request.audience() : request.audience().withoutFirstName();
        int max = maxLength(request);
        Guardrails.Subject subject = guardrails.subject(request.kind(), request.language(), max, resolved,
                request.audience(), allowed);
        String footer = footer(request.language());
        Map<String, String> context = Map.of(
                "sender.address", guardrails.settings().senderAddress(),
                "unsubscribe.url", guardrails.settings().unsubscribeUrl(),
                "footer", footer,
                "banned.claims", String.join(", ", guardrails.settings().bannedClaims()),
                "grounded.claims", String.join(", ", guardrails.settings().groundedClaims()));
        return new Prepared(request, resolved, audience, max, subject, footer, context);
    }

    private record Prepared(ContentRequest request, List<Item> items, Audience audience, int maxLength,
            Guardrails.Subject subject, String footer, Map<String, String> context) {
        ContentBrief brief(int variants, int attempt, List<String> feedback) {
            return new ContentBrief(request.kind(), request.locale(), items, audience, request.tone(), maxLength,
                    variants, attempt, feedback, context);
        }
    }

    private static GuardrailReport duplicate(GuardrailReport passed) {
        List<GuardrailFinding> findings = new ArrayList<>(passed.findings());
        findings.add(new GuardrailFinding(GuardrailFinding.DUPLICATE, true,
                "too similar to a variant already accepted"));
        return new GuardrailReport(findings, passed.checks());
    }

    /** Trims, removes surrounding quotes and collapses runs of spaces (line breaks are kept for email bodies). */
    static String normalise(String draft) {
        if (draft == null) {
            return "";
        }
        String t = draft.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("“") && t.endsWith("”"))) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return t.replaceAll("[ \\t\\x0B\\f]+", " ").replaceAll(" *\\n *", "\n").replaceAll("\\n{3,}", "\n\n");
    }

    /** An exception's message for a response: the class name when the message could carry request data. */
    static String safeMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    /** The variants accepted so far, de-duplicated by similarity. */
    private static final class Accepted {
        private final Similarity similarity;
        private final double threshold;
        private final List<ContentVariant> variants = new ArrayList<>();
        private final List<Object> vectors = new ArrayList<>();
        private final String boilerplate;

        Accepted(Similarity similarity, double threshold, String boilerplate) {
            this.similarity = similarity;
            this.threshold = threshold;
            this.boilerplate = boilerplate;
        }

        int size() {
            return variants.size();
        }

        boolean offer(String text, String provider, int attempt, GuardrailReport report) {
            String compared = boilerplate.isEmpty() ? text : text.replace(boilerplate, "").strip();
            Object vector;
            try {
                vector = similarity.vector(compared);
            } catch (RuntimeException e) {
                LOG.warn("Embedding a variant for de-duplication failed; compared lexically", e);
                vector = Similarity.terms(compared);
            }
            for (Object other : vectors) {
                if (other.getClass() == vector.getClass() && Similarity.cosine(vector, other) > threshold) {
                    return false;
                }
            }
            vectors.add(vector);
            variants.add(new ContentVariant(text, provider, attempt, report));
            return true;
        }

        void force(String text, String provider, GuardrailReport report) {
            variants.add(new ContentVariant(text, provider, 1, report));
        }

        List<ContentVariant> variants() {
            return variants;
        }
    }
}
