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
        Frames f = brief.language().equals("zh") ? Frames.ZH : Frames.EN;
        List<String> candidates = candidates(brief, f, ranked).stream().filter(t -> t != null && !t.isBlank())
                .distinct().toList();
        List<String> out = new ArrayList<>();
        if (candidates.isEmpty()) {
            return out;
        }
        int offset = (brief.attempt() - 1) * brief.variants();
        for (int v = offset; v < offset + brief.variants() && v < offset + candidates.size(); v++) {
            out.add(candidates.get(v % candidates.size()));
        }
        return out;
    }

    /**
     * Every text this provider can make for the brief that fits the limit, the most complete first. Variants are
     * taken from this list in order, so they differ in which facts they carry, not only in their order.
     */
    private List<String> candidates(ContentBrief brief, Frames f, List<String> ranked) {
        Item item = brief.item();
        int max = brief.maxLength();
        String leaf = CopyModel.leaf(item.category());
        String price = CopyModel.price(item, brief.locale());
        String name = brief.audience().firstName();
        String pricePart = price == null ? null : String.format(f.price, price);
        String s0 = ranked.isEmpty() ? null : ranked.get(0);
        String s1 = ranked.size() < 2 ? null : ranked.get(1);
        String s2 = ranked.size() < 3 ? null : ranked.get(2);
        List<String> out = new ArrayList<>();
        switch (brief.kind()) {
            case AD_HEADLINE -> {
                out.add(fitTitle(f.headline, item, max));
                if (item.brand() != null && !leaf.isEmpty()) {
                    out.add(fit(String.format(f.brandCategory, item.brand(), leaf), max));
                }
                if (!leaf.isEmpty()) {
                    out.add(fitTitle(f.categoryTitle.replace("%1$s", leaf), item, max));
                }
                out.add(fitTitle(f.shop, item, max));
                if (price != null) {
                    out.add(fitTitle(f.titlePrice(price), item, max));
                }
            }
            case AD_DESCRIPTION, PUSH_MESSAGE -> {
                String titlePrice = fitTitle(f.titlePrice(price), item, max);
                out.add(fit(join(f, titlePrice, s0), max));
                out.add(fit(join(f, s0, pricePart), max));
                out.add(fit(join(f, s1, pricePart), max));
                out.add(fit(join(f, titlePrice, s1), max));
                out.add(fit(join(f, s2, pricePart), max));
                out.add(titlePrice);
                out.add(s0 == null ? null : fit(String.format(f.reason, s0), max));
            }
            case EMAIL_SUBJECT -> {
                String greeting = name == null ? "" : String.format(f.nameComma, name);
                out.add(fitTitle(greeting + f.subject, item, max));
                out.add(s0 == null ? null : fit(greeting + String.format(f.reason, s0), max));
                out.add(s1 == null ? null : fit(greeting + String.format(f.reason, s1), max));
                if (item.brand() != null && !leaf.isEmpty()) {
                    out.add(fit(greeting + String.format(f.brandCategory, item.brand(), leaf), max));
                }
                if (!leaf.isEmpty()) {
                    out.add(fitTitle(greeting + f.categoryTitle.replace("%1$s", leaf), item, max));
                }
            }
            case PRODUCT_DESCRIPTION -> {
                String head = String.format(f.titleBrand(item.brand()), item.title(), item.brand());
                List<String> attributes = attributes(item, f);
                List<String> all = new ArrayList<>(ranked);
                all.addAll(attributes);
                if (pricePart != null) {
                    all.add(pricePart);
                }
                out.add(append(f, head, all, max));
                // The most relevant sentences first, then the facts as a list: no title.
                List<String> facts = new ArrayList<>(attributes);
                if (item.brand() != null) {
                    facts.add(String.format(f.attribute, f.brandLabel, item.brand()));
                }
                if (!leaf.isEmpty()) {
                    facts.add(String.format(f.attribute, f.categoryLabel, leaf));
                }
                if (pricePart != null) {
                    facts.add(pricePart);
                }
                if (s0 != null) {
                    out.add(append(f, s0, facts, max));
                }
                if (s1 != null) {
                    out.add(append(f, head, List.of(s1), max));
                }
                out.add(append(f, String.format(f.titleOnly, item.title()), facts, max));
            }
            case EMAIL_BODY -> {
                String footer = brief.context("footer", "");
                String greeting = name == null ? f.hello : String.format(f.helloName, name);
                int room = max - footer.length() - 2;
                List<List<String>> bodies = new ArrayList<>();
                bodies.add(ranked.subList(0, Math.min(2, ranked.size())));
                if (ranked.size() > 1) {
                    bodies.add(ranked.subList(1, ranked.size()));
                }
                bodies.add(List.of());
                for (List<String> sentences : bodies) {
                    List<String> parts = new ArrayList<>(sentences);
                    if (pricePart != null) {
                        parts.add(pricePart);
                    }
                    String intro = sentences.isEmpty() && !leaf.isEmpty()
                            ? String.format(f.fromRange, leaf, item.title())
                            : String.format(f.recommend, item.title());
                    if (sentences.isEmpty()) {
                        parts.addAll(0, attributes(item, f));
                    }
                    String body = append(f, greeting + "\n\n" + intro, parts, room);
                    out.add(body == null ? null : body + "\n\n" + footer);
                }
            }
            default -> throw new IllegalStateException("unknown kind " + brief.kind());
        }
        return out;
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
    private record Frames(String headline, String brandCategory, String categoryTitle, String subject,
            String nameComma, String price, String attribute, String hello, String helloName, String recommend,
            String separator, String byBrand, String titleOnly, String priceTitle, String brandLabel,
            String categoryLabel, String reason, String shop, String fromRange) {

        static final Frames EN = new Frames("%s", "%1$s %2$s", "%1$s: %s", "%s", "%s, ", "Price: %s.", "%s: %s.",
                "Hello,", "Hi %s,", "Meet %s.", " ", "%s by %s.", "%s.", "%s, %s.", "Brand", "Category", "%s", "Shop %s",
                "From our %s range: %s.");
        static final Frames ZH = new Frames("好物：%s", "%1$s %2$s精选", "%1$s精选：%s", "为您推荐：%s", "%s，", "价格：%s。",
                "%s：%s。", "您好！", "%s，您好！", "为您推荐%s。", " ", "%s（品牌：%s）。", "商品：%s。", "%s，售价%s。", "品牌", "分类", "亮点：%s",
                "选购：%s", "%s系列：%s。");

        String titleBrand(String brand) {
            return brand == null ? titleOnly : byBrand;
        }

        String titlePrice(String price) {
            return price == null ? titleOnly : priceTitle.replace("%s, %s", "%s, " + price)
                    .replace("%s，售价%s", "%s，售价" + price);
        }
    }
}
