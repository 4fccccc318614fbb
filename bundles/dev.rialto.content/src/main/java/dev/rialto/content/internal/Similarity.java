package dev.rialto.content.internal;

import dev.rialto.api.embeddings.TextEmbedder;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Cosine similarity of short texts: of their embeddings when an embedder for the language is present, otherwise of
 * their term counts (words for Latin script, character bigrams for Han), a lexical stand-in that still catches
 * copies that differ by a word or two.
 */
final class Similarity {

    private final TextEmbedder embedder;

    /** @param embedder the embedder for the texts' language, or null for the lexical measure */
    Similarity(TextEmbedder embedder) {
        this.embedder = embedder;
    }

    boolean semantic() {
        return embedder != null;
    }

    /** One vector per text, comparable with {@link #cosine}: one batched call to the embedder for all of them. */
    Object[] vectors(List<String> texts) {
        if (embedder != null) {
            float[][] v = embedder.embed(texts);
            Object[] out = new Object[v.length];
            System.arraycopy(v, 0, out, 0, v.length);
            return out;
        }
        return texts.stream().map(Similarity::terms).toArray();
    }

    @SuppressWarnings("unchecked")
    static double cosine(Object a, Object b) {
        if (a instanceof float[] x && b instanceof float[] y) {
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * y[i];
            }
            return dot; // unit vectors
        }
        Map<String, Integer> x = (Map<String, Integer>) a;
        Map<String, Integer> y = (Map<String, Integer>) b;
        double dot = 0;
        for (Map.Entry<String, Integer> e : x.entrySet()) {
            Integer other = y.get(e.getKey());
            if (other != null) {
                dot += e.getValue() * (double) other;
            }
        }
        double nx = norm(x);
        double ny = norm(y);
        return nx == 0 || ny == 0 ? 0 : dot / (nx * ny);
    }

    private static double norm(Map<String, Integer> v) {
        double sum = 0;
        for (int c : v.values()) {
            sum += (double) c * c;
        }
        return Math.sqrt(sum);
    }

    static Map<String, Integer> terms(String text) {
        Map<String, Integer> counts = new HashMap<>();
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher w = Facts.WORD.matcher(lower);
        while (w.find()) {
            counts.merge(w.group(), 1, Integer::sum);
        }
        Matcher h = Guardrails.HAN_RUN.matcher(lower);
        while (h.find()) {
            String run = h.group();
            if (run.length() == 1) {
                counts.merge(run, 1, Integer::sum);
            }
            for (int i = 0; i + 1 < run.length(); i++) {
                counts.merge(run.substring(i, i + 2), 1, Integer::sum);
            }
        }
        return counts;
    }
}
