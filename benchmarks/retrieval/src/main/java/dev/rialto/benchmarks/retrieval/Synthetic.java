package dev.rialto.benchmarks.retrieval;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.BehaviourVectors;

/**
 * A deterministic synthetic shop: items in 50 categories (5 top levels x 10), each with its own vocabulary of
 * pseudo-words; users with a home category who browse in sessions, popular items first (Zipf); text vectors that
 * sum fixed random word vectors (so items of one category cluster); behaviour vectors near their category's
 * centre.
 */
final class Synthetic {

    static final int TOPS = 5;
    static final int SUBS = 10;
    static final int CATEGORIES = TOPS * SUBS;
    static final Instant END = Instant.parse("2026-01-01T00:00:00Z");

    final List<Item> items = new ArrayList<>();
    final List<List<Integer>> byCategory = new ArrayList<>();
    final int[] categoryOf;
    final String[][] vocabulary = new String[CATEGORIES][];
    final int[] homeOf;
    private final Random random;

    Synthetic(int nItems, int nUsers, long seed) {
        random = new Random(seed);
        for (int c = 0; c < CATEGORIES; c++) {
            vocabulary[c] = new String[40];
            for (int w = 0; w < 40; w++) {
                vocabulary[c][w] = word(random);
            }
            byCategory.add(new ArrayList<>());
        }
        String[] common = new String[60];
        for (int w = 0; w < common.length; w++) {
            common[w] = word(random);
        }
        categoryOf = new int[nItems];
        for (int i = 0; i < nItems; i++) {
            int c = random.nextInt(CATEGORIES);
            categoryOf[i] = c;
            byCategory.get(c).add(i);
            String[] v = vocabulary[c];
            String title = common[random.nextInt(common.length)] + " " + v[random.nextInt(v.length)] + " "
                    + v[random.nextInt(v.length)] + " " + v[random.nextInt(v.length)];
            StringBuilder d = new StringBuilder();
            for (int k = 0; k < 12; k++) {
                d.append(k % 3 == 0 ? common[random.nextInt(common.length)] : v[random.nextInt(v.length)]).append(' ');
            }
            items.add(new Item(id(i), title, d.toString(), category(c),
                    BigDecimal.valueOf(1 + random.nextInt(50_000), 2), "EUR", random.nextInt(20) != 0, "en",
                    Map.of(), "brand" + random.nextInt(200)));
        }
        homeOf = new int[nUsers];
        for (int u = 0; u < nUsers; u++) {
            homeOf[u] = random.nextInt(CATEGORIES);
        }
    }

    static String id(int i) {
        return String.format("i%06d", i);
    }

    static String user(int u) {
        return String.format("u%06d", u);
    }

    static String category(int c) {
        return "Top" + (c / SUBS) + " > Sub" + c;
    }

    private static String word(Random r) {
        String[] syllables = {"ka", "lo", "mi", "ra", "te", "su", "no", "vi", "pe", "zo", "ba", "du", "fi", "go", "he"};
        StringBuilder w = new StringBuilder();
        int n = 2 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            w.append(syllables[r.nextInt(syllables.length)]);
        }
        return w.toString();
    }

    /** A Zipf-distributed index below n: popular items first. */
    private int zipf(int n) {
        double u = random.nextDouble();
        return Math.min(n - 1, (int) Math.floor(Math.pow(n + 1, u)) - 1);
    }

    /** Sessions of views, carts and purchases over 60 days, mostly in the user's home category. */
    List<Event> events(int perUser) {
        List<Event> out = new ArrayList<>(homeOf.length * perUser);
        long span = Duration.ofDays(60).toMillis();
        int id = 0;
        for (int u = 0; u < homeOf.length; u++) {
            Instant session = END.minusMillis((long) (random.nextDouble() * span));
            for (int k = 0; k < perUser; k++) {
                if (k % 5 == 0) {
                    session = END.minusMillis((long) (random.nextDouble() * span));
                }
                int c = random.nextInt(10) < 8 ? homeOf[u] : random.nextInt(CATEGORIES);
                List<Integer> pool = byCategory.get(c);
                if (pool.isEmpty()) {
                    continue;
                }
                int item = pool.get(zipf(pool.size()));
                int roll = random.nextInt(10);
                EventType type = roll < 7 ? EventType.VIEW : roll < 9 ? EventType.ADD_TO_CART : EventType.PURCHASE;
                out.add(new Event("e" + (id++), type, user(u), id(item), 1, session.plusSeconds(60L * (k % 5))));
            }
        }
        return out;
    }

    /** Behaviour vectors: items near their category's centre, users (a share of them) near their home's. */
    BehaviourVectors behaviour(int dims, double trainedShare) {
        Random r = new Random(7);
        float[][] centres = new float[CATEGORIES][dims];
        for (float[] c : centres) {
            for (int i = 0; i < dims; i++) {
                c[i] = (float) r.nextGaussian();
            }
        }
        Map<String, float[]> itemVectors = new HashMap<>();
        for (int i = 0; i < categoryOf.length; i++) {
            itemVectors.put(id(i), near(centres[categoryOf[i]], r, 0.6));
        }
        Map<String, float[]> users = new HashMap<>();
        for (int u = 0; u < homeOf.length; u++) {
            if (r.nextDouble() < trainedShare) {
                users.put(user(u), near(centres[homeOf[u]], r, 0.3));
            }
        }
        return new BehaviourVectors("bench-ials", "1", dims, itemVectors, users, 0.1, END);
    }

    private static float[] near(float[] c, Random r, double noise) {
        float[] v = c.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (noise * r.nextGaussian());
        }
        return v;
    }

    /** Sums a fixed random unit vector per word: items that share words (a category's vocabulary) cluster. */
    static final class WordEmbedder implements TextEmbedder {
        private final int dims;
        private final Map<String, float[]> words = new ConcurrentHashMap<>();

        WordEmbedder(int dims) {
            this.dims = dims;
        }

        @Override
        public String model() {
            return "bench-words";
        }

        @Override
        public int dimensions() {
            return dims;
        }

        @Override
        public Set<String> languages() {
            return Set.of("en");
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][];
            for (int t = 0; t < out.length; t++) {
                float[] v = new float[dims];
                String text = texts.get(t) == null ? "" : texts.get(t).toLowerCase(java.util.Locale.ROOT);
                for (String w : text.split("[^a-z0-9]+")) {
                    if (!w.isEmpty()) {
                        float[] wv = words.computeIfAbsent(w, this::wordVector);
                        for (int i = 0; i < dims; i++) {
                            v[i] += wv[i];
                        }
                    }
                }
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                if (norm == 0) {
                    v[0] = 1;
                } else {
                    float inv = (float) (1 / Math.sqrt(norm));
                    for (int i = 0; i < dims; i++) {
                        v[i] *= inv;
                    }
                }
                out[t] = v;
            }
            return out;
        }

        private float[] wordVector(String w) {
            Random r = new Random(w.hashCode() * 0x9E3779B97F4A7C15L);
            float[] v = new float[dims];
            for (int i = 0; i < dims; i++) {
                v[i] = (float) r.nextGaussian();
            }
            return v;
        }
    }
}
