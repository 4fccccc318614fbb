package dev.rialto.retrieval.lucene.internal.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.rialto.api.catalog.Item;

/** A deterministic generated catalogue: items spread round-robin over five categories with their own words. */
public final class Catalogue {

    public static final String[] CATEGORIES = {"Books > Fiction", "Electronics > Audio", "Garden > Tools",
        "Kitchen > Cookware", "Sports > Running"};

    private static final String[][] WORDS = {
        {"novel", "mystery", "romance", "thriller", "paperback", "saga", "detective", "fantasy"},
        {"headphones", "speaker", "wireless", "bluetooth", "amplifier", "earbuds", "soundbar", "microphone"},
        {"shovel", "rake", "pruner", "hose", "wheelbarrow", "trowel", "gloves", "sprinkler"},
        {"skillet", "saucepan", "wok", "casserole", "kettle", "griddle", "stockpot", "knife"},
        {"sneakers", "jacket", "shorts", "stopwatch", "socks", "vest", "tights", "cap"}};

    private static final String[] ADJECTIVES = {"premium", "classic", "compact", "deluxe", "lightweight", "sturdy"};

    private Catalogue() {
    }

    public static String id(int i) {
        return String.format("item-%05d", i);
    }

    /** Category index of item i. */
    public static int category(int i) {
        return i % CATEGORIES.length;
    }

    /** Every 17th item is unavailable. */
    public static boolean available(int i) {
        return i % 17 != 0;
    }

    public static List<Item> generate(int n) {
        Random random = new Random(42);
        List<Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = category(i);
            String[] words = WORDS[c];
            String w1 = words[random.nextInt(words.length)];
            String w2 = words[random.nextInt(words.length)];
            String adj = ADJECTIVES[random.nextInt(ADJECTIVES.length)];
            String title = adj + " " + w1 + " " + w2 + " " + i;
            String description = "A " + adj + " " + w1 + " from our " + CATEGORIES[c].toLowerCase()
                    + " range, pairs well with a " + words[random.nextInt(words.length)] + ".";
            items.add(new Item(id(i), title, description, CATEGORIES[c], BigDecimal.valueOf(5 + i), "EUR",
                    available(i), "en", Map.of()));
        }
        return items;
    }
}
