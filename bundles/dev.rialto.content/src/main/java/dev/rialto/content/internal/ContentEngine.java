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
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
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
    /** How the privacy service marks a personal field it stores encrypted (personal.policy = encrypt). */
    static final String ENCRYPTED_PREFIX = "enc:";

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
    private final Users users;

    /**
     * Who a request's user is and what to recommend to them: the profile store and the recommender, either of which
     * may be absent.
     */
    interface Users {
        Users NONE = new Users() {
            @Override
            public Profile profile(String userId) {
                return null;
            }

            @Override
            public List<String> recommended(String userId, int count) {
                throw new IllegalStateException("recommend: recommendations are not available "
                        + "(is the rialto-retrieval feature installed?)");
            }
        };

        /** The stored profile, or null when there is none (or no profile store). */
        Profile profile(String userId);

        /**
         * The ids of the items recommended to the user, best first.
         *
         * @throws IllegalStateException when no recommender is running
         */
        List<String> recommended(String userId, int count);
    }

    ContentEngine(Settings settings, Guardrails guardrails, ContentProvider template,
            Function<String, ContentProvider> providers, Supplier<Set<String>> providerNames,
            Function<Collection<String>, Map<String, Item>> items, Function<String, TextEmbedder> embedders) {
        this(settings, guardrails, template, providers, providerNames, items, embedders, Users.NONE);
    }

    ContentEngine(Settings settings, Guardrails guardrails, ContentProvider template,
            Function<String, ContentProvider> providers, Supplier<Set<String>> providerNames,
            Function<Collection<String>, Map<String, Item>> items, Function<String, TextEmbedder> embedders,
            Users users) {
        this.users = users;
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
            List<ContentVariant> passed = new ArrayList<>();
            for (String draft : drafts) {
                String text = normalise(draft);
                GuardrailReport report = guardrails.check(p.subject(), text);
                if (!report.passed()) {
                    rejected.add(report);
                    report.violations().forEach(v -> {
                        if (!feedback.contains(v.message())) {
                            feedback.add(v.message());
                        }
                    });
                } else if (!text.isEmpty()) {
                    passed.add(new ContentVariant(text, provider.name(), attempt, report));
                }
            }
            accepted.offer(passed, n, rejected);
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
                accepted.variants(), rejected, notes, p.items().stream().map(Item::id).toList());
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
        List<ContentVariant> passed = new ArrayList<>();
        for (String draft : candidates) {
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
            passed.add(new ContentVariant(text, ContentGenerator.TEMPLATE_PROVIDER, 1, report));
        }
        accepted.offer(passed, n, rejected);
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
        List<Item> resolved = resolve(request);
        Audience full = audience(request);
        boolean allowed = full.personalisationAllowed(settings.personalisationWhenUnknown());
        Audience audience = allowed ? full : full.withoutFirstName();
        int max = maxLength(request);
        Guardrails.Subject subject = guardrails.subject(request.kind(), request.language(), max, resolved,
                full, allowed);
        String footer = footer(request.language());
        Map<String, String> context = Map.of(
                "sender.address", guardrails.settings().senderAddress(),
                "unsubscribe.url", guardrails.settings().unsubscribeUrl(),
                "footer", footer,
                "banned.claims", String.join(", ", guardrails.settings().bannedClaims()),
                "grounded.claims", String.join(", ", guardrails.settings().groundedClaims()));
        return new Prepared(request, resolved, audience, max, subject, footer, context);
    }

    /** The request's items, or the recommender's for its user; recommended items gone from the catalogue are skipped. */
    private List<Item> resolve(ContentRequest request) {
        if (!request.recommends()) {
            Map<String, Item> found = items.apply(request.itemIds());
            List<String> missing = request.itemIds().stream().filter(id -> !found.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                throw new UnknownItemException(missing);
            }
            return request.itemIds().stream().map(found::get).toList();
        }
        List<String> ids = users.recommended(request.userId(), request.recommend());
        ids = ids.stream().distinct().limit(request.recommend()).toList();
        Map<String, Item> found = ids.isEmpty() ? Map.of() : items.apply(ids);
        List<Item> resolved = ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
        if (resolved.isEmpty()) {
            throw new IllegalArgumentException("recommend: the recommender has no catalogue item for this user");
        }
        return resolved;
    }

    /**
     * The name itself, or null when it is kept encrypted by the privacy policy (only an export decrypts it) or is
     * not a name a greeting can use. Applies to every request, whoever copied the name from a profile.
     */
    static String greetable(String firstName) {
        if (firstName != null && (firstName.startsWith(ENCRYPTED_PREFIX)
                || firstName.codePointCount(0, firstName.length()) > Audience.MAX_FIRST_NAME_LENGTH)) {
            return null;
        }
        return firstName;
    }

    /**
     * The audience with the user's profile applied: the stored consent is the record, so it replaces whatever the
     * request claims (a user without a profile has unknown consent); the profile's first name and segment fill in
     * what the request leaves out.
     */
    private Audience audience(ContentRequest request) {
        Audience given = request.audience();
        if (request.userId() == null) {
            return greetable(given.firstName()) != null || given.firstName() == null ? given
                    : new Audience(given.segment(), null, given.consent(), given.traits());
        }
        Profile profile = users.profile(request.userId());
        if (profile == null) {
            return new Audience(given.segment(), greetable(given.firstName()), Consent.UNKNOWN, given.traits());
        }
        Map<String, String> a = profile.attributes();
        String firstName = greetable(given.firstName() != null ? given.firstName()
                : a.getOrDefault("first_name", a.get("firstName")));
        String segment = given.segment() != null ? given.segment() : a.get("segment");
        return new Audience(segment, firstName, profile.consent(), given.traits());
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
        return collapse(t);
    }

    /**
     * In one pass, what {@code replaceAll("[ \\t\\x0B\\f]+", " ")}, then {@code (" *\\n *", "\\n")}, then
     * {@code ("\\n{3,}", "\\n\\n")} do: three regular expressions per draft were a tenth of a campaign email's cost.
     */
    static String collapse(String t) {
        StringBuilder out = new StringBuilder(t.length());
        boolean space = false;
        int newlines = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ' ' || c == '\t' || c == '\u000B' || c == '\f') {
                space = true;
            } else if (c == '\n') {
                newlines++;
                space = false; // spaces around a line break go
            } else {
                if (newlines > 0) {
                    out.append(newlines >= 2 ? "\n\n" : "\n");
                } else if (space) {
                    out.append(' ');
                }
                newlines = 0;
                space = false;
                out.append(c);
            }
        }
        if (newlines > 0) {
            out.append(newlines >= 2 ? "\n\n" : "\n");
        } else if (space) {
            out.append(' ');
        }
        return out.toString();
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

    /**
     * The variants accepted so far, de-duplicated by similarity. The texts of a round of drafts are embedded in one
     * batched call (one call per request when the first drafts pass); when the embedder fails, the whole request
     * falls back to the lexical measure.
     */
    private static final class Accepted {
        private final Similarity similarity;
        private final double threshold;
        private final List<ContentVariant> variants = new ArrayList<>();
        private final List<Object> vectors = new ArrayList<>();
        private final String boilerplate;
        private boolean lexical;

        Accepted(Similarity similarity, double threshold, String boilerplate) {
            this.similarity = similarity;
            this.threshold = threshold;
            this.boilerplate = boilerplate;
            this.lexical = !similarity.semantic();
        }

        int size() {
            return variants.size();
        }

        /**
         * Accepts the candidates in order until there are {@code n} variants; those too similar to an accepted one
         * go to {@code rejected} with a duplicate finding.
         */
        void offer(List<ContentVariant> candidates, int n, List<GuardrailReport> rejected) {
            if (candidates.isEmpty() || variants.size() >= n) {
                return;
            }
            if (variants.isEmpty() && n == 1) {
                // Nothing to compare it with, now or later (offer returns once n are accepted): no embedding (most
                // campaign emails ask one variant). Its vector stays null and is never compared.
                vectors.add(null);
                variants.add(candidates.get(0));
                return;
            }
            List<String> compared = candidates.stream().map(v -> compared(v.text())).toList();
            Object[] candidateVectors = vectors(compared);
            for (int i = 0; i < candidates.size() && variants.size() < n; i++) {
                ContentVariant candidate = candidates.get(i);
                Object vector = candidateVectors[i];
                boolean duplicate = false;
                for (Object other : vectors) {
                    if (Similarity.cosine(vector, other) > threshold) {
                        duplicate = true;
                        break;
                    }
                }
                if (duplicate) {
                    rejected.add(duplicate(candidate.report()));
                } else {
                    vectors.add(vector);
                    variants.add(candidate);
                }
            }
        }

        private String compared(String text) {
            return boilerplate.isEmpty() ? text : text.replace(boilerplate, "").strip();
        }

        private Object[] vectors(List<String> texts) {
            if (!lexical) {
                try {
                    return similarity.vectors(texts);
                } catch (RuntimeException e) {
                    LOG.warn("Embedding variants for de-duplication failed; compared lexically", e);
                    lexical = true;
                    // what was accepted so far, in the same (lexical) space as what comes
                    vectors.replaceAll(v -> null);
                    for (int i = 0; i < variants.size(); i++) {
                        vectors.set(i, Similarity.terms(compared(variants.get(i).text())));
                    }
                }
            }
            return texts.stream().map(Similarity::terms).toArray();
        }

        void force(String text, String provider, GuardrailReport report) {
            vectors.add(null);
            variants.add(new ContentVariant(text, provider, 1, report));
        }

        List<ContentVariant> variants() {
            return variants;
        }
    }
}
