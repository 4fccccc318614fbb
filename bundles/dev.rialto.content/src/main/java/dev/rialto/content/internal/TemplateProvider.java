package dev.rialto.content.internal;

import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentProvider;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic provider: renders the Mustache templates for the brief's kind and locale, one variant per
 * template, with the longest title and description that keep the text within the channel's limit. Regeneration
 * (attempt 2, 3, ...) starts at the next templates. It is the fallback for every other provider.
 */
final class TemplateProvider implements ContentProvider {

    private final TemplateCatalog catalog;

    TemplateProvider(TemplateCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return ContentGenerator.TEMPLATE_PROVIDER;
    }

    @Override
    public List<String> draft(ContentBrief brief) {
        List<TemplateCatalog.Template> templates = catalog.find(brief.kind(), brief.locale());
        if (templates.isEmpty()) {
            return List.of();
        }
        int start = ((brief.attempt() - 1) * brief.variants()) % templates.size();
        int count = Math.min(brief.variants(), templates.size());
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(render(templates.get((start + i) % templates.size()), brief));
        }
        return out;
    }

    /** The first rendering that fits, preferring a full description over a full title; else the shortest. */
    static String render(TemplateCatalog.Template template, ContentBrief brief) {
        String shortest = null;
        List<String> titles = CopyModel.titles(brief.item().title());
        for (String description : CopyModel.descriptions(brief.item().description())) {
            for (String title : titles) {
                String text = ContentEngine.normalise(run(template, brief, title, description));
                if (text.codePointCount(0, text.length()) <= brief.maxLength()) {
                    return text;
                }
                if (shortest == null || text.length() < shortest.length()) {
                    shortest = text;
                }
            }
        }
        return shortest;
    }

    private static String run(TemplateCatalog.Template template, ContentBrief brief, String title,
            String description) {
        StringWriter out = new StringWriter();
        template.mustache().execute(out, CopyModel.scope(brief, title, description));
        return out.toString();
    }
}
