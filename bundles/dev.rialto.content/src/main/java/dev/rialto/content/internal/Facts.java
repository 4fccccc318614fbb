package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a text may state: the words, numbers and text of the catalogue records (plus deployment values such as the
 * sender address). Built once per request and shared by every check of its drafts, from one part per item (kept
 * across requests: a campaign writes about the same items for thousands of recipients, and scanning their text
 * again for each was most of the guardrails' cost) and one for the request's own values.
 */
final class Facts {
    private static final Pattern NUMBER_PARTS = Pattern.compile("[.,]");
    static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    static final Pattern WORD = Pattern.compile("[\\p{IsLatin}\\p{N}]+(?:['’-][\\p{IsLatin}\\p{N}]+)*");
    /** Parts of items seen lately, by value (a changed item is another key); cleared when full. */
    private static final Map<Item, Part> ITEM_PARTS = new ConcurrentHashMap<>();
    private static final int ITEM_PARTS_MAX = 20_000;

    private final Part[] parts;

    private Facts(Part[] parts) {
        this.parts = parts;
    }

    static Facts of(List<Item> items, Collection<String> extra) {
        Part[] parts = new Part[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            parts[i] = part(items.get(i));
        }
        StringBuilder own = new StringBuilder();
        extra.forEach(e -> own.append(e).append('\n'));
        parts[items.size()] = new Part(own.toString().toLowerCase(Locale.ROOT), null);
        return new Facts(parts);
    }

    private static Part part(Item item) {
        Part cached = ITEM_PARTS.get(item);
        if (cached != null) {
            return cached;
        }
        StringBuilder all = new StringBuilder();
        all.append(item.id()).append('\n').append(item.title()).append('\n').append(item.description())
                .append('\n').append(item.category()).append('\n');
        if (item.brand() != null) {
            all.append(item.brand()).append('\n');
        }
        if (item.currency() != null) {
            all.append(item.currency()).append('\n');
        }
        item.attributes().forEach((k, v) -> all.append(k).append(": ").append(v).append('\n'));
        Part part = new Part(all.toString().toLowerCase(Locale.ROOT), item.price());
        if (ITEM_PARTS.size() >= ITEM_PARTS_MAX) {
            ITEM_PARTS.clear();
        }
        ITEM_PARTS.put(item, part);
        return part;
    }

    /** One record's text, its words (sorted, for look-ups in place) and its numbers. Immutable once built. */
    private static final class Part {
        final String text;
        final String[] sortedWords;
        final Set<BigDecimal> numbers = new HashSet<>();

        Part(String text, BigDecimal price) {
            this.text = text;
            Set<String> words = new HashSet<>();
            Matcher w = WORD.matcher(text);
            while (w.find()) {
                words.add(w.group());
            }
            sortedWords = words.toArray(new String[0]);
            java.util.Arrays.sort(sortedWords);
            Matcher n = NUMBER.matcher(text);
            while (n.find()) {
                addNumber(numbers, n.group());
            }
            if (price != null) {
                numbers.add(normal(price));
            }
        }
    }

    private static void addNumber(Set<BigDecimal> numbers, String raw) {
        BigDecimal value = parse(raw);
        if (value != null) {
            numbers.add(value);
        }
        // "1,299" may be a thousands separator or a decimal comma: accept both readings, and each part.
        for (String part : NUMBER_PARTS.split(raw)) {
            BigDecimal p = parse(part);
            if (p != null) {
                numbers.add(p);
            }
        }
    }

    /** The number a matched token stands for: thousands commas dropped, trailing zeros ignored. */
    static BigDecimal parse(String raw) {
        String plain = raw.replace(",", "");
        try {
            return normal(new BigDecimal(plain));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static BigDecimal normal(BigDecimal value) {
        BigDecimal n = value.stripTrailingZeros();
        return n.scale() < 0 ? n.setScale(0) : n;
    }

    boolean hasNumber(String raw) {
        if (raw.indexOf(',') < 0 && mentions(raw)) {
            return true; // as written in the data: no need to read the number
        }
        BigDecimal value = parse(raw);
        if (value != null && hasValue(value)) {
            return true;
        }
        // A decimal comma ("12,99") reads as the price 12.99.
        if (raw.indexOf(',') >= 0 && raw.indexOf('.') < 0) {
            String dotted = raw.replace(',', '.');
            int first = dotted.indexOf('.');
            if (dotted.indexOf('.', first + 1) >= 0) {
                dotted = dotted.substring(0, first) + dotted.substring(first + 1); // "1,299,00": a thousands comma
            }
            BigDecimal comma = parse(dotted);
            return comma != null && hasValue(comma);
        }
        return mentions(raw);
    }

    private boolean hasValue(BigDecimal value) {
        for (Part p : parts) {
            if (p.numbers.contains(value)) {
                return true;
            }
        }
        return false;
    }

    boolean hasWord(String lowerCaseWord) {
        return hasWord(lowerCaseWord, 0, lowerCaseWord.length());
    }

    /** Whether {@code lowerCaseText[start, end)} is one of the words (binary searches that allocate nothing). */
    boolean hasWord(String lowerCaseText, int start, int end) {
        for (Part p : parts) {
            if (find(p.sortedWords, lowerCaseText, start, end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean find(String[] sortedWords, String lowerCaseText, int start, int end) {
        int low = 0;
        int high = sortedWords.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = compare(sortedWords[mid], lowerCaseText, start, end);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** {@code word.compareTo(text.substring(start, end))} without the substring. */
    private static int compare(String word, String text, int start, int end) {
        int n = Math.min(word.length(), end - start);
        for (int i = 0; i < n; i++) {
            int d = word.charAt(i) - text.charAt(start + i);
            if (d != 0) {
                return d;
            }
        }
        return word.length() - (end - start);
    }

    /**
     * Whether the facts contain the phrase (lower case), as a substring: enough for CJK and multi-word claims. Each
     * record is its own text (a phrase does not run from one record into the next, as before: they were joined by
     * line breaks).
     */
    boolean mentions(String lowerCasePhrase) {
        for (Part p : parts) {
            if (p.text.contains(lowerCasePhrase)) {
                return true;
            }
        }
        return false;
    }
}
