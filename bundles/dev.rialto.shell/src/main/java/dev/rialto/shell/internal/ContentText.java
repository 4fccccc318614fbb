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
import java.util.function.Function;

/** The logic of {@code rialto:generate}: builds the request, calls the generator, renders the variants. */
final class ContentText {
    private ContentText() {
    }

    static final String USAGE = "options are --provider P, --locale L, -n N, --tone T, --user U, --recommend N";

    /** The command's options, given before KIND ITEM (Karaf parses them) or after (parsed here). */
    record Options(String provider, String locale, int variants, String tone, String user, Integer recommend) {
        Options(String provider, String locale, int variants, String tone) {
            this(provider, locale, variants, tone, null, null);
        }

        static Options parse(List<String> trailing, Options given) {
            if (trailing == null || trailing.isEmpty()) {
                return given;
            }
            Options o = given;
            for (int i = 0; i < trailing.size(); i++) {
                String name = trailing.get(i);
                if (i + 1 >= trailing.size()) {
                    throw new IllegalArgumentException("unexpected '" + name + "': " + USAGE);
                }
                String value = trailing.get(++i);
                o = switch (name) {
                    case "--provider" -> new Options(value, o.locale, o.variants, o.tone, o.user, o.recommend);
                    case "--locale" -> new Options(o.provider, value, o.variants, o.tone, o.user, o.recommend);
                    case "--tone" -> new Options(o.provider, o.locale, o.variants, value, o.user, o.recommend);
                    case "--user" -> new Options(o.provider, o.locale, o.variants, o.tone, value, o.recommend);
                    case "-n", "--variants" -> new Options(o.provider, o.locale, number(name, value), o.tone, o.user,
                            o.recommend);
                    case "--recommend" -> new Options(o.provider, o.locale, o.variants, o.tone, o.user,
                            number(name, value));
                    default -> throw new IllegalArgumentException("unexpected '" + name + "': " + USAGE);
                };
            }
            return o;
        }

        private static int number(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, was '" + value + "'");
            }
        }
    }

    static String generate(ContentGenerator generator, String kind, String item, String provider, String locale,
            int variants, String tone) {
        return generate(generator, kind, item, new Options(provider, locale, variants, tone), id -> id);
    }

    /**
     * @param item        the item, or null with {@code --user U --recommend N}
     * @param pseudonymise the stored id of a user id given on the console
     */
    static String generate(ContentGenerator generator, String kind, String item, Options o,
            Function<String, String> pseudonymise) {
        if (generator == null) {
            return "Content generation: " + Format.NOT_AVAILABLE + " (is the rialto-content feature installed?)\n";
        }
        if (item == null && o.recommend() == null) {
            return "Error: give an ITEM, or --user U --recommend N for the user's recommended items\n";
        }
        if (item != null && o.recommend() != null) {
            return "Error: give an ITEM or --recommend N, not both\n";
        }
        if (o.recommend() != null && o.user() == null) {
            return "Error: --recommend needs --user U: whose recommendations?\n";
        }
        try {
            String user = o.user() == null || o.user().isBlank() ? null : pseudonymise.apply(o.user().strip());
            ContentRequest request = new ContentRequest(ContentKind.parse(kind), o.locale() == null ? "en"
                    : o.locale(), item == null ? List.of() : List.of(item), Audience.ANYONE, o.tone(), null,
                    o.variants(), o.provider(), user, o.recommend());
            return render(generator.generate(request));
        } catch (UnknownItemException e) {
            return "Error: no item " + String.join(", ", e.itemIds()) + " in the catalogue\n";
        } catch (IllegalArgumentException | IllegalStateException e) {
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
        if (!r.itemIds().isEmpty()) {
            out.append("items: ").append(String.join(", ", r.itemIds())).append('\n');
        }
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
