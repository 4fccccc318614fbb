package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.embeddings.TextEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Items, the shipped templates and an engine over fakes. */
final class Fixtures {
    static final Path TEMPLATES = Path.of("src/main/resources/META-INF/rialto/templates");

    static final Item LAMP = new Item("i00042", "Lumina Soft Desk Lamp LS-240, Teal",
            "The Lumina desk lamp is made of brushed aluminium, with a dimmer and a USB port. "
                    + "Ideal for reading late at night. It comes with a 2 metre cable.",
            "Home > Lighting", new BigDecimal("49.90"), "GBP", true, "en", Map.of("colour", "teal"), "Lumina");

    static final Item PAD = new Item("i00043", "Orbit Pro Wireless Controller OP-310",
            "A wireless controller made of soft-touch plastic, with haptic feedback and a rechargeable battery. "
                    + "A great choice for long gaming sessions. Pairs with consoles and PCs.",
            "Gaming > Accessories", new BigDecimal("59.00"), "GBP", true, "en", Map.of(), "Orbit");

    static final Map<String, Item> CATALOGUE = new LinkedHashMap<>();

    static {
        CATALOGUE.put(LAMP.id(), LAMP);
        CATALOGUE.put(PAD.id(), PAD);
    }

    static TemplateCatalog catalog() {
        TemplateCatalog catalog = new TemplateCatalog(null);
        try {
            catalog.putSource("bundle:1", TemplateCatalog.readTree(TEMPLATES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return catalog;
    }

    static Map<String, Item> find(Collection<String> ids) {
        Map<String, Item> out = new LinkedHashMap<>();
        ids.forEach(id -> {
            if (CATALOGUE.containsKey(id)) {
                out.put(id, CATALOGUE.get(id));
            }
        });
        return out;
    }

    static ContentEngine engine(ContentEngine.Settings settings, Map<String, ContentProvider> providers,
            Function<String, TextEmbedder> embedders) {
        Guardrails guardrails = new Guardrails(Guardrails.Settings.defaults());
        return new ContentEngine(settings, guardrails, new TemplateProvider(catalog()), providers::get,
                () -> new TreeSet<>(providers.keySet()), Fixtures::find, embedders);
    }

    static ContentEngine engine(Map<String, ContentProvider> providers, ContentEngine.Users users,
            Function<String, TextEmbedder> embedders) {
        Guardrails guardrails = new Guardrails(Guardrails.Settings.defaults());
        return new ContentEngine(ContentEngine.Settings.defaults(), guardrails, new TemplateProvider(catalog()),
                providers::get, () -> new TreeSet<>(providers.keySet()), Fixtures::find, embedders, users);
    }

    /**
     * A profile store and recommender: {@code p-lea} (first name Lea, segment readers, personalisation allowed) is
     * recommended the controller then the lamp, {@code p-max} (Max, personalisation refused) the lamp then an item
     * gone from the catalogue; unknown users get nothing.
     */
    static ContentEngine.Users users() {
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        Map<String, dev.rialto.api.profiles.Profile> profiles = Map.of(
                "p-lea", new dev.rialto.api.profiles.Profile("p-lea", Map.of("first_name", "Lea", "segment",
                        "readers"), new dev.rialto.api.profiles.Consent(true, true, null), t, t),
                "p-max", new dev.rialto.api.profiles.Profile("p-max", Map.of("first_name", "Max"),
                        new dev.rialto.api.profiles.Consent(false, true, null), t, t));
        Map<String, java.util.List<String>> recommended = Map.of("p-lea", java.util.List.of(PAD.id(), LAMP.id()),
                "p-max", java.util.List.of(LAMP.id(), "i-gone"));
        return new ContentEngine.Users() {
            @Override
            public dev.rialto.api.profiles.Profile profile(String userId) {
                return profiles.get(userId);
            }

            @Override
            public java.util.List<String> recommended(String userId, int count) {
                java.util.List<String> all = recommended.getOrDefault(userId, java.util.List.of());
                return all.subList(0, Math.min(count, all.size()));
            }
        };
    }

    /**
     * A fake English embedder of the given width: each text's vector from {@code vector}; every batch it was asked
     * for is added to {@code calls} (pass null when the test does not look).
     */
    static TextEmbedder embedder(int dimensions, java.util.List<java.util.List<String>> calls,
            java.util.function.Function<String, float[]> vector) {
        return new TextEmbedder() {
            @Override
            public String model() {
                return "fake";
            }

            @Override
            public int dimensions() {
                return dimensions;
            }

            @Override
            public Set<String> languages() {
                return Set.of("en");
            }

            @Override
            public float[][] embed(java.util.List<String> texts) {
                if (calls != null) {
                    calls.add(java.util.List.copyOf(texts));
                }
                return texts.stream().map(vector).toArray(float[][]::new);
            }
        };
    }

    static ContentEngine engine(Map<String, ContentProvider> providers) {
        return engine(ContentEngine.Settings.defaults(), providers, language -> null);
    }

    static Set<String> none() {
        return Set.of();
    }

    private Fixtures() {
    }
}
