package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.content.ContentKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCatalogTest {

    @Test
    void everyKindHasEnglishAndChineseTemplates() {
        TemplateCatalog catalog = Fixtures.catalog();
        for (ContentKind kind : ContentKind.values()) {
            for (String language : List.of("en", "zh")) {
                List<TemplateCatalog.Template> found = catalog.find(kind, language);
                assertTrue(found.size() >= 2, kind + " " + language);
                assertTrue(found.stream().allMatch(t -> t.language().equals(language)));
            }
        }
    }

    @Test
    void localesFallBackToTheirLanguageThenEnglish() {
        TemplateCatalog catalog = Fixtures.catalog();
        assertEquals("zh", catalog.find(ContentKind.AD_HEADLINE, "zh-Hans-CN").get(0).language());
        assertEquals("en", catalog.find(ContentKind.AD_HEADLINE, "de-AT").get(0).language());
    }

    @Test
    void badTemplatesAreSkippedNotFatal() {
        TemplateCatalog catalog = new TemplateCatalog(null);
        int n = catalog.putSource("bundle:7", Map.of(
                "ad-headline/en/ok.mustache", "{{title}}",
                "ad-headline/en/broken.mustache", "{{#title}} unclosed",
                "no-such-kind/en/x.mustache", "{{title}}",
                "ad-headline/x.mustache", "{{title}}"));
        assertEquals(1, n);
        assertEquals("ok", catalog.find(ContentKind.AD_HEADLINE, "en").get(0).name());
    }

    @Test
    void theFolderOverridesBundlesAndIsReReadWhenItChanges(@TempDir Path dir) throws Exception {
        TemplateCatalog catalog = new TemplateCatalog(dir);
        catalog.putSource("bundle:3", Map.of("ad-headline/en/1-title.mustache", "{{title}}",
                "ad-headline/en/2-shop.mustache", "Shop {{title}}"));
        assertEquals(List.of("1-title", "2-shop"), names(catalog.find(ContentKind.AD_HEADLINE, "en")));

        Path file = dir.resolve("ad-headline/en/2-shop.mustache");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "Buy {{title}}");
        Files.writeString(dir.resolve("ad-headline/en/3-new.mustache"), "{{brand}}");
        Thread.sleep(2100); // the folder is re-read at most every two seconds
        List<TemplateCatalog.Template> found = catalog.find(ContentKind.AD_HEADLINE, "en");
        assertEquals(List.of("1-title", "2-shop", "3-new"), names(found));
        assertEquals(TemplateCatalog.FOLDER, found.get(1).source());

        Files.delete(dir.resolve("ad-headline/en/3-new.mustache"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Thread.sleep(2100);
        assertEquals(List.of("1-title", "2-shop"), names(catalog.find(ContentKind.AD_HEADLINE, "en")));
        catalog.removeSource("bundle:3");
        assertEquals(List.of("2-shop"), names(catalog.find(ContentKind.AD_HEADLINE, "en")));
    }

    @Test
    void templatesAreRenderedAsPlainTextNotHtml() {
        TemplateCatalog catalog = new TemplateCatalog(null);
        catalog.putSource("bundle:1", Map.of("ad-headline/en/a.mustache", "{{title}}"));
        var brief = new dev.rialto.api.content.ContentBrief(ContentKind.AD_HEADLINE, "en", List.of(
                new dev.rialto.api.catalog.Item("x1", "Salt & Pepper <Mill>", "", "", null, null, true, "en",
                        Map.of())), null, null, 30, 1, 1, List.of(), Map.of());
        assertEquals("Salt & Pepper <Mill>", TemplateProvider.render(catalog.find(ContentKind.AD_HEADLINE, "en").get(0),
                brief));
    }

    private static List<String> names(List<TemplateCatalog.Template> templates) {
        return templates.stream().map(TemplateCatalog.Template::name).toList();
    }
}
