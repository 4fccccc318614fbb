package dev.rialto.retrieval.lucene.internal.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.rialto.api.embeddings.TextEmbedder;

/**
 * A deterministic embedder: a hashed bag of words, normalised, where synonyms share a word ("earphones" counts as
 * "headphones"), so semantic neighbours exist that BM25 cannot find. Chinese characters count one by one.
 */
public final class FakeEmbedder implements TextEmbedder {

    private static final Map<String, String> SYNONYMS = Map.of("earphones", "headphones", "headset", "headphones",
            "pan", "skillet", "frypan", "skillet", "trainers", "sneakers", "book", "novel");

    private final String model;
    private final int dims;
    private final Set<String> languages;
    public final AtomicInteger texts = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();

    public FakeEmbedder(String model, int dims, String... languages) {
        this.model = model;
        this.dims = dims;
        this.languages = Set.of(languages);
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimensions() {
        return dims;
    }

    @Override
    public Set<String> languages() {
        return languages;
    }

    @Override
    public float[][] embed(List<String> batch) {
        calls.incrementAndGet();
        texts.addAndGet(batch.size());
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(batch.get(i));
        }
        return out;
    }

    private float[] vector(String text) {
        float[] v = new float[dims];
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        for (String word : t.split("[^\\p{L}]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)) {
                word.codePoints().forEach(cp -> add(v, new String(Character.toChars(cp))));
            } else {
                add(v, SYNONYMS.getOrDefault(word, word));
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            v[0] = 1;
            return v;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private void add(float[] v, String word) {
        // Murmur3's finaliser: String.hashCode alone maps similar words to the same low bits.
        long x = word.hashCode();
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        v[(int) Math.floorMod(x, (long) dims)] += 1;
    }
}
