package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.embeddings.TextEmbedder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The bundle's real generation loop over an in-memory catalogue, outside OSGi: the shipped templates (read from the
 * bundle jar), default guardrails and settings, the template and grounded providers. In the content bundle's
 * package because those classes are internal there.
 */
public final class ContentBench {
    private final ContentEngine engine;
    private final Guardrails guardrails = new Guardrails(Guardrails.Settings.defaults());
    private final Map<String, Item> catalogue = new LinkedHashMap<>();
    private final Function<String, TextEmbedder> embedders;

    public ContentBench(List<Item> items, Function<String, TextEmbedder> embedders) throws IOException {
        items.forEach(i -> catalogue.put(i.id(), i));
        this.embedders = embedders;
        TemplateCatalog catalog = new TemplateCatalog(null);
        Path jar = Path.of(URI.create(TemplateCatalog.class.getProtectionDomain().getCodeSource().getLocation()
                .toString()));
        if (Files.isDirectory(jar)) {
            catalog.putSource("bundle", TemplateCatalog.readTree(jar.resolve(TemplateCatalog.BUNDLE_PATH)));
        } else {
            try (FileSystem fs = FileSystems.newFileSystem(jar)) {
                catalog.putSource("bundle", TemplateCatalog.readTree(fs.getPath(TemplateCatalog.BUNDLE_PATH)));
            }
        }
        Map<String, ContentProvider> providers = Map.of(GroundedProvider.NAME, new GroundedProvider(embedders));
        engine = new ContentEngine(ContentEngine.Settings.defaults(), guardrails, new TemplateProvider(catalog),
                providers::get, () -> new TreeSet<>(providers.keySet()), ids -> {
                    Map<String, Item> out = new LinkedHashMap<>();
                    ids.forEach(id -> {
                        Item i = catalogue.get(id);
                        if (i != null) {
                            out.put(id, i);
                        }
                    });
                    return out;
                }, embedders);
    }

    public ContentResponse generate(ContentRequest request) {
        return engine.generate(request);
    }

    /** The guardrail reports of the provider's first drafts alone (no regeneration, de-duplication or fallback). */
    public List<GuardrailReport> firstDrafts(ContentRequest request) {
        return engine.firstDrafts(request);
    }

    /** A prepared guardrail subject, so that the benchmark times the checks alone. */
    public Object subject(ContentKind kind, String language, Item item) {
        return guardrails.subject(kind, language, kind.defaultMaxLength(), List.of(item), Audience.ANYONE, false);
    }

    public GuardrailReport check(Object subject, String text) {
        return guardrails.check((Guardrails.Subject) subject, text);
    }

    /** The mean pairwise cosine of the texts: embeddings when an embedder for the language exists, else lexical. */
    public double meanPairwiseSimilarity(List<String> texts, String language) {
        Similarity similarity = new Similarity(embedders.apply(language));
        // As the de-duplication does: the email footer is boilerplate, not part of what varies.
        String footer = engine.footer(language);
        Object[] v = similarity.vectors(texts.stream().map(t -> t.replace(footer, "").strip()).toList());
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < v.length; i++) {
            for (int j = i + 1; j < v.length; j++) {
                sum += Similarity.cosine(v[i], v[j]);
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : sum / pairs;
    }

    public static Set<String> kinds() {
        Set<String> out = new TreeSet<>();
        for (ContentKind k : ContentKind.values()) {
            out.add(k.id());
        }
        return out;
    }

    public static ContentRequest request(ContentKind kind, String locale, String item, int variants,
            String provider, Audience audience) {
        return new ContentRequest(kind, locale, List.of(item), audience, null, null, variants, provider);
    }
}
