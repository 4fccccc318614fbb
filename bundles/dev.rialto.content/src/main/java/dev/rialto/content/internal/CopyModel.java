package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.ContentBrief;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The facts of a brief as template values, and the shorter forms of a title that fitting may use. */
final class CopyModel {
    private CopyModel() {
    }

    /** The values a template sees; see docs/content.md for the list. */
    static Map<String, Object> scope(ContentBrief brief, String title, String description) {
        Item item = brief.item();
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("title", title);
        scope.put("fullTitle", item.title());
        scope.put("brand", item.brand());
        scope.put("category", leaf(item.category()));
        scope.put("topCategory", item.topCategory());
        scope.put("price", price(item, brief.locale()));
        scope.put("inStock", item.available());
        scope.put("description", description);
        List<String> sentences = Sanitiser.sentences(description);
        scope.put("firstSentence", sentences.isEmpty() ? "" : sentences.get(0));
        scope.put("lastSentence", sentences.size() < 2 ? "" : sentences.get(sentences.size() - 1));
        scope.put("firstName", brief.audience().firstName());
        scope.put("segment", brief.audience().segment());
        scope.put("tone", brief.tone());
        scope.put("attributes", item.attributes());
        scope.put("footer", brief.context("footer", ""));
        scope.put("senderAddress", brief.context("sender.address", ""));
        scope.put("unsubscribeUrl", brief.context("unsubscribe.url", ""));
        List<Map<String, Object>> more = new ArrayList<>();
        for (Item other : brief.items().subList(1, brief.items().size())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", other.title());
            m.put("price", price(other, brief.locale()));
            more.add(m);
        }
        scope.put("moreItems", more);
        scope.put("hasMoreItems", !more.isEmpty());
        return scope;
    }

    static String leaf(String category) {
        int at = category.lastIndexOf(Item.CATEGORY_SEPARATOR);
        return at < 0 ? category : category.substring(at + Item.CATEGORY_SEPARATOR.length());
    }

    /** The price with the currency's symbol for the locale, two decimals; null when unknown. */
    static String price(Item item, String locale) {
        if (item.price() == null) {
            return null;
        }
        BigDecimal amount = item.price().setScale(2, RoundingMode.HALF_UP);
        if (item.currency() == null) {
            return amount.toPlainString();
        }
        String symbol;
        try {
            symbol = Currency.getInstance(item.currency()).getSymbol(Locale.forLanguageTag(locale));
        } catch (IllegalArgumentException e) {
            symbol = item.currency() + " ";
        }
        return symbol + amount.toPlainString();
    }

    // Compiled once: titles are derived for every recipient of a campaign.
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");
    private static final java.util.regex.Pattern HAS_DIGIT = java.util.regex.Pattern.compile(".*\\d.*");

    /** The title, then ever shorter forms of it: without its ", colour" tail, then word by word from the end. */
    static List<String> titles(String title) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        out.add(title);
        String head = title.contains(",") ? title.substring(0, title.indexOf(',')).strip() : title;
        out.add(head);
        String[] words = SPACES.split(head);
        // Model codes ("AB-123") mean little in short copy: drop them first.
        List<String> plain = new ArrayList<>();
        for (String w : words) {
            if (!HAS_DIGIT.matcher(w).matches()) {
                plain.add(w);
            }
        }
        if (!plain.isEmpty()) {
            out.add(String.join(" ", plain));
        }
        for (int n = plain.size() - 1; n >= 1; n--) {
            out.add(String.join(" ", plain.subList(0, n)));
        }
        return new ArrayList<>(out);
    }

    /** The description, then its first sentences, down to none. */
    static List<String> descriptions(String description) {
        List<String> sentences = Sanitiser.sentences(description);
        List<String> out = new ArrayList<>();
        for (int n = sentences.size(); n >= 1; n--) {
            out.add(String.join(" ", sentences.subList(0, n)));
        }
        out.add("");
        return out;
    }
}
