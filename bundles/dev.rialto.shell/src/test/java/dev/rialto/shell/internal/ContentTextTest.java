package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.content.UnknownItemException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

class ContentTextTest {
    private final AtomicReference<ContentRequest> seen = new AtomicReference<>();

    private ContentGenerator generator() {
        return new ContentGenerator() {
            @Override
            public ContentResponse generate(ContentRequest request) {
                seen.set(request);
                if (request.itemIds().contains("nope")) {
                    throw new UnknownItemException(List.of("nope"));
                }
                GuardrailReport ok = new GuardrailReport(List.of(new GuardrailFinding("ungrounded", false,
                        "numbers not in the item's data: 3")), List.of("length"));
                return new ContentResponse(request.kind(), request.locale(), "openai", "template", true, 3,
                        List.of(new ContentVariant("Shop Lumina Desk Lamp", "template", 1, ok)),
                        List.of(new GuardrailReport(List.of(new GuardrailFinding("banned-claim", true, "x")),
                                List.of())), List.of("fell back to the template provider"),
                        request.recommends() ? List.of("i7", "i9") : request.itemIds());
            }

            @Override
            public Set<String> providers() {
                return Set.of("template");
            }

            @Override
            public GuardrailReport check(ContentRequest request, String text) {
                return null;
            }
        };
    }

    @Test
    void rendersTheProviderFallbackVariantsAndFindings() {
        String out = ContentText.generate(generator(), "ad-headline", "i1", "openai", "zh", 2, "warm");
        assertEquals(ContentKind.AD_HEADLINE, seen.get().kind());
        assertEquals("zh", seen.get().locale());
        assertEquals(2, seen.get().variants());
        assertEquals("openai", seen.get().provider());
        assertTrue(out.startsWith("ad-headline (zh) by template, fallback from openai, attempts 3, rejected drafts 1"),
                out);
        assertTrue(out.contains("1. [template, passed, 21 chars]\n   Shop Lumina Desk Lamp\n"), out);
        assertTrue(out.contains("! ungrounded: numbers not in the item's data: 3"), out);
        assertTrue(out.contains("Note: fell back"), out);
    }

    @Test
    void optionsAfterTheArgumentsAreRead() {
        ContentText.Options given = new ContentText.Options(null, "en", 1, null);
        assertEquals(new ContentText.Options("grounded", "zh", 3, "warm"), ContentText.Options.parse(
                List.of("--provider", "grounded", "--locale", "zh", "-n", "3", "--tone", "warm"), given));
        assertEquals(given, ContentText.Options.parse(null, given));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ContentText.Options.parse(List.of("--colour", "red"), given)).getMessage()
                .contains("unexpected '--colour'"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ContentText.Options.parse(List.of("-n", "x"), given)).getMessage().startsWith("-n must"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ContentText.Options.parse(List.of("--locale"), given)).getMessage().startsWith("unexpected"));
    }

    @Test
    void writesAboutTheRecommendedItemsOfAPseudonymisedUser() {
        ContentText.Options o = ContentText.Options.parse(List.of("--user", "u42", "--recommend", "2", "--locale",
                "zh"), new ContentText.Options(null, "en", 1, null));
        String out = ContentText.generate(generator(), "email-body", null, o, id -> "p:" + id);
        assertEquals("p:u42", seen.get().userId());
        assertEquals(2, seen.get().recommend());
        assertEquals(List.of(), seen.get().itemIds());
        assertEquals("zh", seen.get().locale());
        assertTrue(out.contains("\nitems: i7, i9\n"), out);
        // a user with an item: the profile's consent applies to copy about that item
        ContentText.generate(generator(), "email-subject", "i1", new ContentText.Options(null, "en", 1, null, "u1",
                null), id -> "p:" + id);
        assertEquals("p:u1", seen.get().userId());
        assertEquals(List.of("i1"), seen.get().itemIds());
        assertTrue(ContentText.generate(generator(), "email-body", null, new ContentText.Options(null, "en", 1, null),
                id -> id).startsWith("Error: give an ITEM, or --user U --recommend N"));
        assertTrue(ContentText.generate(generator(), "email-body", null, new ContentText.Options(null, "en", 1, null,
                null, 3), id -> id).startsWith("Error: --recommend needs --user"));
        assertTrue(ContentText.generate(generator(), "email-body", "i1", new ContentText.Options(null, "en", 1, null,
                "u1", 3), id -> id).startsWith("Error: give an ITEM or --recommend N, not both"));
        assertTrue(ContentText.generate(generator(), "email-body", null, new ContentText.Options(null, "en", 1, null,
                "u1", 99), id -> id).startsWith("Error: recommend must be between 1 and 20"));
    }

    @Test
    void errorsAreShownNotThrown() {
        assertEquals("Error: no item nope in the catalogue\n",
                ContentText.generate(generator(), "ad-headline", "nope", null, "en", 1, null));
        assertTrue(ContentText.generate(generator(), "banner", "i1", null, "en", 1, null).startsWith(
                "Error: kind must be one of"));
        assertTrue(ContentText.generate(null, "ad-headline", "i1", null, "en", 1, null).contains("not available"));
    }

    @Test
    void theCommandIsARialtoServiceWithAnOptionalGenerator() throws Exception {
        assertNotNull(GenerateCommand.class.getAnnotation(Service.class));
        assertEquals("generate", GenerateCommand.class.getAnnotation(Command.class).name());
        assertEquals("rialto", GenerateCommand.class.getAnnotation(Command.class).scope());
        Field field = GenerateCommand.class.getDeclaredField("generator");
        assertTrue(field.getAnnotation(Reference.class).optional());
    }
}
