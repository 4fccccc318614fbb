package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.rialto.api.content.UnknownItemException;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.profiles.Consent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ContentEngineTest {

    /** A provider that answers from a script, one list of drafts per attempt, and records the briefs. */
    static final class Scripted implements ContentProvider {
        final List<List<String>> answers;
        final List<ContentBrief> briefs = new ArrayList<>();

        Scripted(List<List<String>> answers) {
            this.answers = answers;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public List<String> draft(ContentBrief brief) {
            briefs.add(brief);
            int i = Math.min(briefs.size() - 1, answers.size() - 1);
            return answers.get(i);
        }
    }

    private static ContentRequest request(ContentKind kind, String locale, int variants, String provider) {
        return new ContentRequest(kind, locale, List.of(Fixtures.LAMP.id()), Audience.ANYONE, null, null, variants,
                provider);
    }

    @ParameterizedTest
    @EnumSource(ContentKind.class)
    void theTemplateProviderDeliversCompliantCopyForEveryKindAndLocale(ContentKind kind) {
        ContentEngine engine = Fixtures.engine(Map.of());
        for (String locale : List.of("en", "zh", "zh-CN", "fr")) {
            for (String item : List.of(Fixtures.LAMP.id(), Fixtures.PAD.id())) {
                ContentResponse response = engine.generate(new ContentRequest(kind, locale, List.of(item),
                        Audience.ANYONE, null, null, 2, null));
                assertEquals(ContentGenerator.TEMPLATE_PROVIDER, response.provider());
                assertFalse(response.fallback());
                assertEquals(2, response.variants().size(), kind + " " + locale + " " + response);
                for (ContentVariant v : response.variants()) {
                    assertTrue(v.report().passed(), v.text() + " " + v.report());
                    assertTrue(v.text().codePointCount(0, v.text().length()) <= kind.defaultMaxLength());
                }
            }
        }
    }

    @Test
    void theTemplateProviderIsDeterministic() {
        ContentEngine engine = Fixtures.engine(Map.of());
        ContentRequest r = request(ContentKind.EMAIL_SUBJECT, "en", 3, null);
        assertEquals(engine.generate(r).variants(), engine.generate(r).variants());
    }

    @Test
    void goodDraftsOfTheRequestedProviderAreKept() {
        Scripted p = new Scripted(List.of(List.of("Lumina desk lamp with a dimmer, £49.90",
                "Read late at night with the Lumina lamp")));
        ContentResponse r = Fixtures.engine(Map.of("scripted", p)).generate(request(ContentKind.AD_DESCRIPTION, "en", 2,
                "scripted"));
        assertEquals("scripted", r.provider());
        assertFalse(r.fallback());
        assertEquals(1, r.attempts());
        assertEquals(List.of("Lumina desk lamp with a dimmer, £49.90", "Read late at night with the Lumina lamp"),
                r.variants().stream().map(ContentVariant::text).toList());
    }

    @Test
    void failedDraftsAreRegeneratedWithFeedbackThenTheTemplateTakesOver() {
        Scripted p = new Scripted(List.of(List.of("GUARANTEED best lamp, only £9.99!")));
        ContentResponse r = Fixtures.engine(Map.of("scripted", p)).generate(request(ContentKind.AD_DESCRIPTION, "en", 1,
                "scripted"));
        assertEquals(3, p.briefs.size(), "first try and 2 regenerations");
        assertEquals(3, r.attempts());
        assertTrue(p.briefs.get(1).feedback().stream().anyMatch(f -> f.contains("guaranteed")), p.briefs.get(1)
                .feedback().toString());
        assertEquals(3, p.briefs.get(2).attempt());
        assertEquals(ContentGenerator.TEMPLATE_PROVIDER, r.provider());
        assertEquals("scripted", r.requestedProvider());
        assertTrue(r.fallback());
        assertEquals(3, r.rejected().size());
        assertTrue(r.variants().get(0).report().passed());
        assertTrue(r.notes().get(0).contains("fell back"), r.notes().toString());
    }

    @Test
    void aFailingProviderFallsBackAtOnce() {
        ContentProvider broken = new ContentProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<String> draft(ContentBrief brief) {
                throw new ContentProviderException("timed out after 2 s");
            }
        };
        ContentResponse r = Fixtures.engine(Map.of("broken", broken)).generate(request(ContentKind.PUSH_MESSAGE, "zh", 2,
                "broken"));
        assertTrue(r.fallback());
        assertEquals(1, r.attempts());
        assertEquals(2, r.variants().size());
        assertTrue(r.variants().stream().allMatch(v -> v.provider().equals("template") && v.report().passed()));
        assertTrue(r.notes().get(0).contains("timed out"));
    }

    @Test
    void partlyGoodAnswersAreFilledFromTheTemplate() {
        Scripted p = new Scripted(List.of(List.of("Lumina desk lamp with a dimmer, £49.90", "cures headaches")));
        ContentResponse r = Fixtures.engine(Map.of("scripted", p)).generate(request(ContentKind.AD_DESCRIPTION, "en", 2,
                "scripted"));
        assertEquals("scripted", r.provider());
        assertTrue(r.fallback());
        assertEquals("scripted", r.variants().get(0).provider());
        assertEquals("template", r.variants().get(1).provider());
    }

    @Test
    void nearDuplicatesAreDroppedLexicallyWithoutAnEmbedder() {
        Scripted p = new Scripted(List.of(List.of("Lumina desk lamp with a dimmer and a USB port",
                "Lumina desk lamp with a dimmer and a USB port!", "Read late at night with the Lumina lamp")));
        ContentResponse r = Fixtures.engine(Map.of("scripted", p)).generate(request(ContentKind.AD_DESCRIPTION, "en", 2,
                "scripted"));
        assertEquals(List.of("Lumina desk lamp with a dimmer and a USB port", "Read late at night with the Lumina lamp"),
                r.variants().stream().map(ContentVariant::text).toList());
        assertTrue(r.rejected().stream().anyMatch(g -> g.findings().stream()
                .anyMatch(f -> f.check().equals(GuardrailFinding.DUPLICATE))));
    }

    @Test
    void duplicatesAreJudgedByTheEmbedderWhenPresent() {
        List<List<String>> calls = new ArrayList<>();
        // A fake embedder that maps texts about reading to one direction, anything else to another.
        TextEmbedder embedder = Fixtures.embedder(2, calls,
                t -> t.contains("read") ? new float[] {1, 0} : new float[] {0, 1});
        Scripted p = new Scripted(List.of(List.of("Lumina lamp: read late at night", "Lumina lamp, for those who read",
                "Lumina lamp with a dimmer")));
        Function<String, TextEmbedder> embedders = l -> l.equals("en") ? embedder : null;
        ContentResponse r = Fixtures.engine(ContentEngine.Settings.defaults(), Map.of("scripted", p), embedders)
                .generate(request(ContentKind.AD_DESCRIPTION, "en", 2, "scripted"));
        assertEquals(List.of("Lumina lamp: read late at night", "Lumina lamp with a dimmer"),
                r.variants().stream().map(ContentVariant::text).toList());
        // all drafts that passed the guardrails in one batched call, not one call per variant
        assertEquals(List.of(List.of("Lumina lamp: read late at night", "Lumina lamp, for those who read",
                "Lumina lamp with a dimmer")), calls);
    }

    @Test
    void collapsingWhitespaceInOnePassEqualsTheThreeRegularExpressions() {
        java.util.Random random = new java.util.Random(7);
        char[] alphabet = {'a', 'b', ' ', ' ', '\t', '\n', '\n', '\u000B', '\f', '\r', '\u00A0', '中'};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String t = text.toString();
            String expected = t.replaceAll("[ \\t\\x0B\\f]+", " ").replaceAll(" *\\n *", "\n")
                    .replaceAll("\\n{3,}", "\n\n");
            assertEquals(expected, ContentEngine.collapse(t), () -> "for " + t.replace("\n", "\\n"));
        }
    }

    @Test
    void aSingleVariantIsAcceptedWithoutEmbeddingIt() {
        List<List<String>> calls = new ArrayList<>();
        TextEmbedder embedder = Fixtures.embedder(2, calls, t -> new float[] {1, 0});
        ContentEngine engine = Fixtures.engine(ContentEngine.Settings.defaults(), Map.of(), l -> embedder);
        ContentResponse one = engine.generate(request(ContentKind.EMAIL_BODY, "en", 1, null));
        assertEquals(1, one.variants().size());
        assertEquals(List.of(), calls, "nothing to compare one variant with");
        // Two variants still go through the de-duplication: all drafts the same direction, so one is dropped.
        ContentResponse two = engine.generate(request(ContentKind.AD_DESCRIPTION, "en", 2, null));
        assertTrue(!calls.isEmpty(), "two variants are compared");
        assertTrue(two.rejected().stream().anyMatch(g -> g.findings().stream()
                .anyMatch(f -> f.check().equals(GuardrailFinding.DUPLICATE))), two.toString());
    }

    @Test
    void emailBodiesAreEmbeddedInOneCallWithoutTheirCommonFooter() {
        List<List<String>> seen = new ArrayList<>();
        TextEmbedder embedder = new TextEmbedder() {
            @Override
            public String model() {
                return "fake";
            }

            @Override
            public int dimensions() {
                return 3;
            }

            @Override
            public Set<String> languages() {
                return Set.of("en");
            }

            @Override
            public float[][] embed(List<String> texts) {
                seen.add(List.copyOf(texts));
                float[][] out = new float[texts.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = new float[3];
                    out[i][i % 3] = 1; // all different
                }
                return out;
            }
        };
        ContentResponse r = Fixtures.engine(ContentEngine.Settings.defaults(), Map.of(), l -> embedder)
                .generate(request(ContentKind.EMAIL_BODY, "en", 3, null));
        assertEquals(3, r.variants().size());
        assertEquals(1, seen.size(), "one batched call: " + seen);
        assertEquals(3, seen.get(0).size(), seen.toString());
        assertTrue(seen.get(0).stream().noneMatch(t -> t.contains("Unsubscribe")), seen.toString());
    }

    @Test
    void aFailingEmbedderFallsBackToTheLexicalMeasure() {
        TextEmbedder broken = new TextEmbedder() {
            @Override
            public String model() {
                return "broken";
            }

            @Override
            public int dimensions() {
                return 2;
            }

            @Override
            public Set<String> languages() {
                return Set.of("en");
            }

            @Override
            public float[][] embed(List<String> texts) {
                throw new dev.rialto.api.embeddings.EmbeddingException("model failed", null);
            }
        };
        Scripted p = new Scripted(List.of(List.of("Lumina desk lamp with a dimmer and a USB port",
                "Lumina desk lamp with a dimmer and a USB port!", "Read late at night with the Lumina lamp")));
        ContentResponse r = Fixtures.engine(ContentEngine.Settings.defaults(), Map.of("scripted", p), l -> broken)
                .generate(request(ContentKind.AD_DESCRIPTION, "en", 2, "scripted"));
        assertEquals(List.of("Lumina desk lamp with a dimmer and a USB port", "Read late at night with the Lumina lamp"),
                r.variants().stream().map(ContentVariant::text).toList());
    }

    @Test
    void copyAboutTheItemsRecommendedToAUserGreetsByNameOnlyWithTheProfilesConsent() {
        ContentEngine engine = Fixtures.engine(Map.of(), Fixtures.users(), l -> null);
        // Lea allows personalisation: her recommended items (controller, lamp) in order, greeted by name
        ContentResponse lea = engine.generate(ContentRequest.recommended(ContentKind.EMAIL_BODY, "en", "p-lea", 2));
        assertEquals(List.of(Fixtures.PAD.id(), Fixtures.LAMP.id()), lea.itemIds());
        String text = lea.text();
        assertTrue(text.startsWith("Hi Lea,"), text);
        assertTrue(text.contains("Orbit Pro Wireless Controller") && text.contains("Lumina Soft Desk Lamp"), text);
        assertTrue(lea.variants().get(0).report().passed(), lea.variants().get(0).report().toString());
        // Max refused: even a request that claims consent and names him gets no name
        Audience claims = new Audience(null, "Max", new Consent(true, null, null), Map.of());
        ContentRequest max = new ContentRequest(ContentKind.EMAIL_BODY, "en", List.of(), claims, null, null, 1, null,
                "p-max", 2);
        ContentResponse r = engine.generate(max);
        assertFalse(r.text().contains("Max"), r.text());
        // the item gone from the catalogue is skipped
        assertEquals(List.of(Fixtures.LAMP.id()), r.itemIds());
        // a scripted provider sees the audience without the name
        Scripted p = new Scripted(List.of(List.of("Lumina Soft Desk Lamp for you")));
        Fixtures.engine(Map.of("scripted", p), Fixtures.users(), l -> null).generate(new ContentRequest(
                ContentKind.EMAIL_SUBJECT, "en", List.of(), claims, null, null, 1, "scripted", "p-max", 1));
        assertEquals(null, p.briefs.get(0).audience().firstName());
        assertEquals(List.of(Fixtures.LAMP), p.briefs.get(0).items());
    }

    @Test
    void anEncryptedFirstNameIsNeverUsedEvenWhenTheCallerPassesIt() {
        // a caller (a campaign step) copying the stored attribute into the audience, without naming the user
        Scripted p = new Scripted(List.of(List.of("Lumina Soft Desk Lamp for you")));
        ContentEngine engine = Fixtures.engine(Map.of("scripted", p), Fixtures.users(), l -> null);
        Audience copied = new Audience(null, "enc:v1:abcd", new Consent(true, null, null), Map.of());
        engine.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en", List.of(Fixtures.LAMP.id()), copied, null,
                null, 1, "scripted", null, null));
        assertNull(p.briefs.get(0).audience().firstName());
        assertEquals("Ida", ContentEngine.greetable("Ida"));
        assertNull(ContentEngine.greetable(null));
    }

    @Test
    void aUserWithoutAProfileHasUnknownConsent() {
        Scripted p = new Scripted(List.of(List.of("Lumina Soft Desk Lamp for you")));
        ContentEngine engine = Fixtures.engine(Map.of("scripted", p), Fixtures.users(), l -> null);
        Audience claims = new Audience(null, "Zoe", new Consent(true, null, null), Map.of());
        engine.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en", List.of(Fixtures.LAMP.id()), claims, null,
                null, 1, "scripted", "p-nobody", null));
        assertEquals(null, p.briefs.get(0).audience().firstName());
        assertEquals(Consent.UNKNOWN, p.briefs.get(0).audience().consent());
    }

    @Test
    void recommendationProblemsAreNamed() {
        ContentEngine engine = Fixtures.engine(Map.of(), Fixtures.users(), l -> null);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> engine.generate(
                ContentRequest.recommended(ContentKind.EMAIL_BODY, "en", "p-nobody", 3)));
        assertTrue(none.getMessage().startsWith("recommend:"), none.getMessage());
        IllegalStateException off = assertThrows(IllegalStateException.class, () -> Fixtures.engine(Map.of())
                .generate(ContentRequest.recommended(ContentKind.EMAIL_BODY, "en", "p-lea", 3)));
        assertTrue(off.getMessage().startsWith("recommend:"), off.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ContentRequest(ContentKind.EMAIL_BODY, "en", List.of(),
                null, null, null, 1, null, null, 2), "recommend needs a user");
        assertThrows(IllegalArgumentException.class, () -> new ContentRequest(ContentKind.EMAIL_BODY, "en",
                List.of("i00042"), null, null, null, 1, null, "p-lea", 2), "items or recommend, not both");
        assertThrows(IllegalArgumentException.class, () -> ContentRequest.recommended(ContentKind.EMAIL_BODY, "en",
                "p-lea", ContentRequest.MAX_ITEMS + 1));
    }

    @Test
    void theFirstNameReachesProvidersOnlyWithConsent() {
        Scripted p = new Scripted(List.of(List.of("Lumina Soft Desk Lamp for you")));
        ContentEngine engine = Fixtures.engine(Map.of("scripted", p));
        for (Boolean answer : new Boolean[] {true, false, null}) {
            Audience anna = new Audience("readers", "Anna", new Consent(answer, null, null), Map.of());
            engine.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en", List.of(Fixtures.LAMP.id()), anna,
                    null, null, 1, "scripted"));
        }
        assertEquals("Anna", p.briefs.get(0).audience().firstName());
        assertEquals(null, p.briefs.get(1).audience().firstName());
        assertEquals(null, p.briefs.get(2).audience().firstName(), "unknown consent: not by default");
        assertEquals("readers", p.briefs.get(2).audience().segment());
    }

    @Test
    void templatesGreetByNameOnlyWithConsent() {
        ContentEngine engine = Fixtures.engine(Map.of());
        Audience yes = new Audience(null, "Anna", new Consent(true, null, null), Map.of());
        Audience no = new Audience(null, "Anna", new Consent(false, null, null), Map.of());
        String with = engine.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en", List.of(Fixtures.LAMP.id()),
                yes, null, null, 1, null)).text();
        String without = engine.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en",
                List.of(Fixtures.LAMP.id()), no, null, null, 1, null)).text();
        assertTrue(with.startsWith("Anna"), with);
        assertFalse(without.contains("Anna"), without);
    }

    @Test
    void theLastResortSanitisesATemplateThatBreaksTheRules() {
        // An operator's template with a banned and an ungrounded claim, and no footer.
        TemplateCatalog catalog = Fixtures.catalog();
        catalog.putSource(TemplateCatalog.FOLDER, Map.of(
                "email-body/en/1-letter.mustache", "Hello! {{title}} is guaranteed to please. Only 5 left. {{description}}",
                "email-body/en/2-short.mustache", "Write to shop@example.com about {{title}}. Free shipping!",
                "email-body/en/3-range.mustache", "Call 020 7946 0958 now! {{title}} cures everything."));
        Guardrails guardrails = new Guardrails(Guardrails.Settings.defaults());
        ContentEngine engine = new ContentEngine(ContentEngine.Settings.defaults(), guardrails,
                new TemplateProvider(catalog), n -> null, Set::of, Fixtures::find, l -> null);
        ContentResponse r = engine.generate(request(ContentKind.EMAIL_BODY, "en", 2, null));
        for (ContentVariant v : r.variants()) {
            assertTrue(v.report().passed(), v.text() + " " + v.report());
            assertFalse(v.text().contains("guaranteed"));
            assertFalse(v.text().contains("example.com"));
            assertFalse(v.text().contains("7946"));
            assertTrue(v.text().contains(ContentConfigDefaults.SENDER));
        }
        assertTrue(r.variants().get(0).text().contains("dimmer"), "the clean sentences stay: " + r.text());
    }

    @Test
    void unknownProvidersAndItemsAreNamed() {
        ContentEngine engine = Fixtures.engine(Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.generate(request(ContentKind.AD_HEADLINE, "en", 1, "gpt")));
        assertTrue(e.getMessage().startsWith("provider:"), e.getMessage());
        UnknownItemException u = assertThrows(UnknownItemException.class, () -> engine.generate(new ContentRequest(
                ContentKind.AD_HEADLINE, "en", List.of("i00042", "nope"), null, null, null, 1, null)));
        assertEquals(List.of("nope"), u.itemIds());
    }

    @Test
    void lengthOverridesApply() {
        ContentEngine engine = Fixtures.engine(new ContentEngine.Settings("template", 2, 0.9, false,
                Map.of(ContentKind.AD_HEADLINE, 15)), Map.of(), l -> null);
        ContentResponse r = engine.generate(request(ContentKind.AD_HEADLINE, "en", 2, null));
        assertTrue(r.variants().stream().allMatch(v -> v.text().length() <= 15), r.toString());
    }

    @Test
    void checkRunsTheGuardrailsOnAnyText() {
        ContentEngine engine = Fixtures.engine(Map.of());
        assertFalse(engine.check(request(ContentKind.AD_HEADLINE, "en", 1, null), "Miracle cure lamp").passed());
        assertTrue(engine.check(request(ContentKind.AD_HEADLINE, "en", 1, null), "Lumina desk lamp").passed());
    }
}
