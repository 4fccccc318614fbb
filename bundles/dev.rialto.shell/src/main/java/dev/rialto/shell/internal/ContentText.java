package dev.rialto.shell.internal;

import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.UnknownItemException;
import java.util.List;

/** The logic of {@code rialto:generate}: builds the request, calls the generator, renders the variants. */
final class ContentText {
    private ContentText() {
    }

    /** The command's options, given before KIND ITEM (Karaf parses them) or after (parsed here). */
    record Options(String provider, String locale, int variants, String tone) {
        static Options parse(List<String> trailing, Options given) {
            if (trailing == null || trailing.isEmpty()) {
                return given;
            }
            Options o = given;
            for (int i = 0; i < trailing.size(); i++) {
                String name = trailing.get(i);
                if (i + 1 >= trailing.size()) {
                    throw new IllegalArgumentException("unexpected '" + name + "': options are --provider P, "
                            + "--locale L, -n N, --tone T");
                }
                String value = trailing.get(++i);
                o = switch (name) {
                    case "--provider" -> new Options(value, o.locale, o.variants, o.tone);
                    case "--locale" -> new Options(o.provider, value, o.variants, o.tone);
                    case "--tone" -> new Options(o.provider, o.locale, o.variants, value);
                    case "-n", "--variants" -> {
                        try {
                            yield new Options(o.provider, o.locale, Integer.parseInt(value), o.tone);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("-n must be a number, was '" + value + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unexpected '" + name
                            + "': options are --provider P, --locale L, -n N, --tone T");
                };
            }
            return o;
        }
    }

    static String generate(ContentGenerator generator, String kind, String item, String provider, String locale,
            int variants, String tone) {
        if (generator == null) {
            return "Content generation: " + Format.NOT_AVAILABLE + " (is the rialto-content feature installed?)\n";
        }
        ContentRequest request;
        try {
            request = new ContentRequest(ContentKind.parse(kind), locale == null ? "en" : locale, List.of(item),
                    Audience.ANYONE, tone, null, variants, provider);
            return render(generator.generate(request));
        } catch (UnknownItemException e) {
            return "Error: no item " + String.join(", ", e.itemIds()) + " in the catalogue\n";
        } catch (IllegalArgumentException e) {
            return "Error: " + e.getMessage() + "\n";
        }
    }

    static String render(ContentResponse r) {
        StringBuilder out = new StringBuilder();
        out.append(r.kind().id()).append(" (").append(r.locale()).append(") by ").append(r.provider());
        if (r.fallback()) {
            out.append(", fallback from ").append(r.requestedProvider());
        }
        out.append(", attempts ").append(r.attempts()).append(", rejected drafts ").append(r.rejected().size())
                .append('\n');
        int i = 0;
        for (ContentVariant v : r.variants()) {
            out.append('\n').append(++i).append(". [").append(v.provider()).append(", ")
                    .append(v.report().passed() ? "passed" : "FAILED").append(", ")
                    .append(v.text().codePointCount(0, v.text().length())).append(" chars]\n");
            for (String line : v.text().split("\n", -1)) {
                out.append("   ").append(line).append('\n');
            }
            for (GuardrailFinding f : v.report().findings()) {
                out.append("   ! ").append(f.check()).append(": ").append(f.message()).append('\n');
            }
        }
        for (String note : r.notes()) {
            out.append("\nNote: ").append(note).append('\n');
        }
        return out.toString();
    }
}
