package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a text may state: the words, numbers and text of the catalogue records (plus deployment values such as the
 * sender address). Built once per request and shared by every check of its drafts.
 */
final class Facts {
    static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    static final Pattern WORD = Pattern.compile("[\\p{IsLatin}\\p{N}]+(?:['’-][\\p{IsLatin}\\p{N}]+)*");

    private final String text;
    private final Set<String> words = new HashSet<>();
    /** The words sorted, so that a word of a draft can be looked up in place, without a substring. */
    private final String[] sortedWords;
    private final Set<BigDecimal> numbers = new HashSet<>();

    private Facts(String text) {
        this.text = text;
        Matcher w = WORD.matcher(text);
        while (w.find()) {
            words.add(w.group().toLowerCase(Locale.ROOT));
        }
        sortedWords = words.toArray(new String[0]);
        java.util.Arrays.sort(sortedWords);
        Matcher n = NUMBER.matcher(text);
        while (n.find()) {
            addNumber(n.group());
        }
    }

    static Facts of(List<Item> items, Collection<String> extra) {
        StringBuilder all = new StringBuilder();
        for (Item item : items) {
            all.append(item.id()).append('\n').append(item.title()).append('\n').append(item.description())
                    .append('\n').append(item.category()).append('\n');
            if (item.brand() != null) {
                all.append(item.brand()).append('\n');
            }
            if (item.currency() != null) {
                all.append(item.currency()).append('\n');
            }
            item.attributes().forEach((k, v) -> all.append(k).append(": ").append(v).append('\n'));
        }
        extra.forEach(e -> all.append(e).append('\n'));
        Facts facts = new Facts(all.toString().toLowerCase(Locale.ROOT));
        for (Item item : items) {
            if (item.price() != null) {
                facts.numbers.add(normal(item.price()));
            }
        }
        return facts;
    }

    private void addNumber(String raw) {
        BigDecimal value = parse(raw);
        if (value != null) {
            numbers.add(value);
        }
        // "1,299" may be a thousands separator or a decimal comma: accept both readings, and each part.
        for (String part : raw.split("[.,]")) {
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
        if (raw.indexOf(',') < 0 && text.contains(raw)) {
            return true; // as written in the data: no need to read the number
        }
        BigDecimal value = parse(raw);
        if (value != null && numbers.contains(value)) {
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
            return comma != null && numbers.contains(comma);
        }
        return text.contains(raw);
    }

    boolean hasWord(String lowerCaseWord) {
        return words.contains(lowerCaseWord);
    }

    /** Whether {@code lowerCaseText[start, end)} is one of the words (a binary search that allocates nothing). */
    boolean hasWord(String lowerCaseText, int start, int end) {
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

    /** Whether the facts contain the phrase (lower case), as a substring: enough for CJK and multi-word claims. */
    boolean mentions(String lowerCasePhrase) {
        return text.contains(lowerCasePhrase);
    }
}
