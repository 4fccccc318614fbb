package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.profiles.Consent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroundedProviderTest {

    private static ContentBrief brief(ContentKind kind, String locale, Audience audience, int variants) {
        return new ContentBrief(kind, locale, List.of(Fixtures.PAD), audience, null, kind.defaultMaxLength(), variants,
                1, List.of(), Map.of("footer", "Unsubscribe: " + ContentConfigDefaults.UNSUBSCRIBE_URL + "\n"
                        + ContentConfigDefaults.SENDER));
    }

    @ParameterizedTest
    @EnumSource(ContentKind.class)
    void everyKindInBothLanguagesPassesTheGuardrailsFirstTime(ContentKind kind) {
        GroundedProvider grounded = new GroundedProvider(l -> null);
        ContentEngine engine = Fixtures.engine(Map.of("grounded", grounded));
        for (String locale : List.of("en", "zh")) {
            for (String item : List.of(Fixtures.LAMP.id(), Fixtures.PAD.id())) {
                ContentResponse r = engine.generate(new ContentRequest(kind, locale, List.of(item), Audience.ANYONE,
                        null, null, 2, "grounded"));
                assertEquals("grounded", r.provider(), kind + " " + locale + " " + r);
                assertEquals(1, r.attempts(), r.toString());
                assertTrue(r.variants().stream().anyMatch(v -> v.provider().equals("grounded")), r.toString());
                r.variants().forEach(v -> assertTrue(v.report().passed(), v.text()));
            }
        }
    }

    @Test
    void everySentenceComesFromTheRecord() {
        GroundedProvider grounded = new GroundedProvider(l -> null);
        List<String> drafts = grounded.draft(brief(ContentKind.PRODUCT_DESCRIPTION, "en", Audience.ANYONE, 3));
        assertEquals(3, drafts.size());
        for (String draft : drafts) {
            for (String sentence : Sanitiser.sentences(draft)) {
                boolean fromRecord = Fixtures.PAD.description().contains(sentence)
                        || sentence.contains(Fixtures.PAD.title()) || sentence.equals("Price: £59.00.")
                        || sentence.equals("Brand: Orbit.") || sentence.equals("Category: Accessories.");
                assertTrue(fromRecord, "not from the record: " + sentence);
            }
        }
    }

    @Test
    void sentencesAreRankedByTheAudienceLexicallyWithoutAnEmbedder() {
        GroundedProvider grounded = new GroundedProvider(l -> null);
        Audience gamers = new Audience("gaming fans", null, Consent.UNKNOWN, Map.of("interest", "long sessions"));
        List<String> sentences = Sanitiser.sentences(Fixtures.PAD.description());
        assertEquals("A great choice for long gaming sessions.", grounded.rank(sentences,
                GroundedProvider.query(brief(ContentKind.AD_DESCRIPTION, "en", gamers, 1)), "en").get(0));
        assertEquals("A great choice for long gaming sessions.", firstSentenceUsed(grounded.draft(
                brief(ContentKind.AD_DESCRIPTION, "en", gamers, 3))));
        Audience pc = new Audience(null, null, Consent.UNKNOWN, Map.of("device", "PCs and consoles"));
        assertEquals("Pairs with consoles and PCs.", firstSentenceUsed(grounded.draft(
                brief(ContentKind.AD_DESCRIPTION, "en", pc, 3))));
        // No audience: the description's own order.
        assertEquals(sentences, grounded.rank(sentences, "", "en"));
    }

    private static String firstSentenceUsed(List<String> drafts) {
        for (String draft : drafts) {
            for (String sentence : Sanitiser.sentences(Fixtures.PAD.description())) {
                if (draft.contains(sentence)) {
                    return sentence;
                }
            }
        }
        return null;
    }

    @Test
    void theEmbedderRanksWhenPresent() {
        // A fake embedder: only "rechargeable" texts point the query's way.
        TextEmbedder embedder = Fixtures.embedder(2, null, t -> t.contains("rechargeable") || t.contains("travellers")
                ? new float[] {1, 0} : new float[] {0, 1});
        GroundedProvider grounded = new GroundedProvider(l -> l.equals("en") ? embedder : null);
        Audience travellers = new Audience("travellers", null, Consent.UNKNOWN, Map.of());
        List<String> ranked = grounded.rank(Sanitiser.sentences(Fixtures.PAD.description()), "travellers", "en");
        assertTrue(ranked.get(0).contains("rechargeable"), ranked.toString());
        assertTrue(firstSentenceUsed(grounded.draft(brief(ContentKind.PRODUCT_DESCRIPTION, "en", travellers, 2)))
                .contains("rechargeable"));
    }

    @Test
    void theFirstNameAppearsOnlyWhenTheBriefCarriesIt() {
        GroundedProvider grounded = new GroundedProvider(l -> null);
        Audience anna = new Audience(null, "Anna", new Consent(true, null, null), Map.of());
        assertTrue(grounded.draft(brief(ContentKind.EMAIL_SUBJECT, "en", anna, 1)).get(0).startsWith("Anna, "));
        ContentProvider p = grounded;
        ContentResponse r = Fixtures.engine(Map.of("grounded", p)).generate(new ContentRequest(
                ContentKind.EMAIL_SUBJECT, "en", List.of(Fixtures.PAD.id()),
                new Audience(null, "Anna", new Consent(false, null, null), Map.of()), null, null, 1, "grounded"));
        assertFalse(r.text().contains("Anna"), r.text());
    }

    @Test
    void variantsDiffer() {
        ContentResponse r = Fixtures.engine(Map.of("grounded", new GroundedProvider(l -> null))).generate(
                new ContentRequest(ContentKind.AD_HEADLINE, "en", List.of(Fixtures.LAMP.id()), null, null, null, 3,
                        "grounded"));
        assertEquals(3, r.variants().stream().map(ContentVariant::text).distinct().count(), r.toString());
    }
}
