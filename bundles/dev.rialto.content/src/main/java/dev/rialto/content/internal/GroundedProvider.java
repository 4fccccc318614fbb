package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.embeddings.TextEmbedder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copy made only of the catalogue record: the title, brand, category, price, attributes and the description
 * sentences most relevant to the audience, joined by short fixed frames in the locale's language. Every claim
 * therefore traces back to the record. Relevance is the cosine of the sentence's and the audience's embeddings
 * (segment, traits and tone as text) when an embedder for the item's language is present, else the share of the
 * audience's words in the sentence.
 */
final class GroundedProvider implements ContentProvider {
    static final String NAME = "grounded";
    private static final Logger LOG = LoggerFactory.getLogger(GroundedProvider.class);

    private final Function<String, TextEmbedder> embedders;

    /** @param embedders the embedder for a language, or null when there is none */
    GroundedProvider(Function<String, TextEmbedder> embedders) {
        this.embedders = embedders;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> draft(ContentBrief brief) {
        Item item = brief.item();
        List<String> ranked = rank(Sanitiser.sentences(item.description()), query(brief), item.language());
        boolean zh = brief.language().equals("zh");
        Frames f = zh ? Frames.ZH : Frames.EN;
        List<String> out = new ArrayList<>();
        int offset = (brief.attempt() - 1) * brief.variants();
        for (int v = offset; v < offset + brief.variants(); v++) {
            String text = compose(brief, f, rotate(ranked, v), v);
            if (text != null && !out.contains(text)) {
                out.add(text);
            }
        }
        return out;
    }

    private String compose(ContentBrief brief, Frames f, List<String> sentences, int v) {
        Item item = brief.item();
        int max = brief.maxLength();
        String leaf = CopyModel.leaf(item.category());
        String price = CopyModel.price(item, brief.locale());
        String name = brief.audience().firstName();
        String lead = sentences.isEmpty() ? null : sentences.get(0);
        return switch (brief.kind()) {
            case AD_HEADLINE -> switch (v % 3) {
                case 0 -> fitTitle(f.headline, item, max);
                case 1 -> item.brand() == null || leaf.isEmpty() ? fitTitle(f.headline, item, max)
                        : fit(String.format(f.brandCategory, item.brand(), leaf), max);
                default -> leaf.isEmpty() ? null : fitTitle(f.categoryTitle.replace("%1$s", leaf), item, max);
            };
            case AD_DESCRIPTION, PUSH_MESSAGE -> {
                String head = v % 2 == 0 || lead == null ? fitTitle(f.titlePrice(price), item, max) : lead;
                yield fit(join(f, head, v % 2 == 0 ? lead : (price == null ? null : String.format(f.price, price))),
                        max);
            }
            case EMAIL_SUBJECT -> {
                String greeting = name == null ? "" : String.format(f.nameComma, name);
                String frame = switch (v % 3) {
                    case 0 -> f.subject;
                    case 1 -> leaf.isEmpty() ? f.subject : f.categoryTitle.replace("%1$s", leaf);
                    default -> item.brand() == null ? f.subject : f.brandTitle.replace("%1$s", item.brand());
                };
                yield fitTitle(greeting + frame, item, max);
            }
            case PRODUCT_DESCRIPTION -> {
                String head = String.format(f.titleBrand(item.brand()), item.title(), item.brand());
                List<String> parts = new ArrayList<>(sentences);
                parts.addAll(attributes(item, f));
                if (price != null) {
                    parts.add(String.format(f.price, price));
                }
                yield append(f, head, parts, max);
            }
            case EMAIL_BODY -> {
                String footer = brief.context("footer", "");
                String greeting = name == null ? f.hello : String.format(f.helloName, name);
                String head = greeting + "\n\n" + String.format(f.recommend, item.title());
                List<String> parts = new ArrayList<>(sentences.subList(0, Math.min(2, sentences.size())));
                if (price != null) {
                    parts.add(String.format(f.price, price));
                }
                int room = max - footer.length() - 2;
                String body = append(f, head, parts, room);
                yield body == null ? null : body + "\n\n" + footer;
            }
        };
    }

    private static List<String> attributes(Item item, Frames f) {
        return item.attributes().entrySet().stream().filter(e -> !e.getKey().equalsIgnoreCase("brand"))
                .sorted(Map.Entry.comparingByKey())
                .map(e -> String.format(f.attribute, capitalise(e.getKey()), e.getValue())).toList();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** The frame (with {@code %s} for the title) filled with the longest form of the title that fits. */
    private static String fitTitle(String frame, Item item, int max) {
        for (String title : CopyModel.titles(item.title())) {
            String text = frame.replace("%s", title);
            if (length(text) <= max) {
                return text;
            }
        }
        return null;
    }

    private static String fit(String text, int max) {
        return text != null && length(text) <= max ? text : null;
    }

    /** The head and as many of the parts, in order, as fit; null when not even the head fits. */
    private static String append(Frames f, String head, List<String> parts, int max) {
        if (head == null || length(head) > max) {
            return null;
        }
        StringBuilder out = new StringBuilder(head);
        for (String part : parts) {
            String next = out + f.separator + part;
            if (length(next) <= max) {
                out.setLength(0);
                out.append(next);
            }
        }
        return out.toString();
    }

    private static String join(Frames f, String head, String tail) {
        if (head == null) {
            return null;
        }
        return tail == null ? head : head + f.separator + tail;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static List<String> rotate(List<String> ranked, int v) {
        if (ranked.isEmpty()) {
            return ranked;
        }
        List<String> out = new ArrayList<>(ranked.size());
        int start = v % ranked.size();
        for (int i = 0; i < ranked.size(); i++) {
            out.add(ranked.get((start + i) % ranked.size()));
        }
        return out;
    }

    /** The audience as a text: segment, trait values and tone; empty when nothing is known. */
    static String query(ContentBrief brief) {
        Audience a = brief.audience();
        List<String> parts = new ArrayList<>();
        if (a.segment() != null) {
            parts.add(a.segment().replace('-', ' ').replace('_', ' '));
        }
        a.traits().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(e.getValue()));
        if (brief.tone() != null) {
            parts.add(brief.tone());
        }
        return String.join(" ", parts);
    }

    /** The sentences, most relevant to the query first; in their own order when there is no query. */
    List<String> rank(List<String> sentences, String query, String language) {
        if (sentences.size() < 2 || query.isBlank()) {
            return sentences;
        }
        double[] scores = null;
        TextEmbedder embedder = embedders.apply(language);
        if (embedder != null) {
            try {
                List<String> texts = new ArrayList<>(sentences);
                texts.add(query);
                float[][] v = embedder.embed(texts);
                float[] q = v[v.length - 1];
                scores = new double[sentences.size()];
                for (int i = 0; i < sentences.size(); i++) {
                    scores[i] = Similarity.cosine(v[i], q);
                }
            } catch (RuntimeException e) {
                LOG.warn("Embedding the description failed; ranking sentences by shared words", e);
            }
        }
        if (scores == null) {
            scores = lexical(sentences, query);
        }
        double[] s = scores;
        return IntStream.range(0, sentences.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i))
                .map(sentences::get).toList();
    }

    static double[] lexical(List<String> sentences, String query) {
        Set<String> q = Similarity.terms(query).keySet().stream().filter(t -> t.length() > 2)
                .map(GroundedProvider::stem).collect(Collectors.toCollection(LinkedHashSet::new));
        double[] out = new double[sentences.size()];
        for (int i = 0; i < sentences.size(); i++) {
            Set<String> words = Similarity.terms(sentences.get(i)).keySet().stream().map(GroundedProvider::stem)
                    .collect(Collectors.toSet());
            long shared = q.stream().filter(words::contains).count();
            out[i] = q.isEmpty() ? 0 : (double) shared / q.size();
        }
        return out;
    }

    /** A crude plural stem so that "gamers" meets "gaming" no better than before, but "gamers" meets "gamer". */
    private static String stem(String word) {
        return word.length() > 3 && word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
    }

    /** The fixed words around the facts, per language. */
    private record Frames(String headline, String brandCategory, String categoryTitle, String brandTitle,
            String subject, String nameComma, String price, String attribute, String hello, String helloName,
            String recommend, String separator, String byBrand, String titleOnly, String priceTitle) {

        static final Frames EN = new Frames("%s", "%1$s %2$s", "%1$s: %s", "%1$s: %s", "%s", "%s, ",
                "Price: %s.", "%s: %s.", "Hello,", "Hi %s,", "Meet %s.", " ", "%s by %s.", "%s.", "%s, %s.");
        static final Frames ZH = new Frames("好物：%s", "%1$s%2$s精选", "%1$s精选：%s", "%1$s出品：%s", "为您推荐：%s", "%s，",
                "价格：%s。", "%s：%s。", "您好！", "%s，您好！", "为您推荐%s。", " ", "%s（品牌：%s）。", "商品：%s。",
                "%s，售价%s。");

        String titleBrand(String brand) {
            return brand == null ? titleOnly : byBrand;
        }

        String titlePrice(String price) {
            return price == null ? titleOnly : priceTitle.replace("%s, %s", "%s, " + price)
                    .replace("%s，售价%s", "%s，售价" + price);
        }
    }
}
