package dev.rialto.retrieval.lucene.internal.common;

import java.io.File;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.rialto.api.events.EventType;

/** Parsing of configuration values; every error names the property. */
public final class Settings {

    private Settings() {
    }

    /** Parses {@code a=1.0,b=0.5} into an ordered map. Blank gives an empty map. */
    public static Map<String, Double> weights(String value, String property) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + ": expected name=weight, got '" + part.strip() + "'");
            }
            String name = part.substring(0, eq).strip();
            double w;
            try {
                w = Double.parseDouble(part.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(property + ": weight of '" + name + "' is not a number", e);
            }
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException(property + ": weight of '" + name + "' must be >= 0, was " + w);
            }
            out.put(name, w);
        }
        return out;
    }

    /** Parses {@code a=50,b=20} into positive whole numbers by name. Blank gives an empty map. */
    public static Map<String, Integer> counts(String value, String property) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights(value, property).entrySet()) {
            double v = e.getValue();
            if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(property + ": '" + e.getKey()
                        + "' must be a positive whole number, was " + v);
            }
            out.put(e.getKey(), (int) v);
        }
        return out;
    }

    /** Parses {@code view=1,add_to_cart=3} into weights per event type; unlisted types weigh 0. */
    public static Map<EventType, Double> eventWeights(String value, String property) {
        Map<EventType, Double> out = new EnumMap<>(EventType.class);
        for (Map.Entry<String, Double> e : weights(value, property).entrySet()) {
            try {
                out.put(EventType.parse(e.getKey()), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(property + ": " + ex.getMessage(), ex);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(property + " must give at least one event type a weight");
        }
        return Collections.unmodifiableMap(out);
    }

    public static int positive(int value, String property) {
        if (value <= 0) {
            throw new IllegalArgumentException(property + " must be positive, was " + value);
        }
        return value;
    }

    public static double positive(double value, String property) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(property + " must be a positive number, was " + value);
        }
        return value;
    }

    /** The configured directory, or {@code ${karaf.data}/<relative>} when blank. */
    public static Path dataDir(String configured, String relative, String property) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException(property + " is empty and the system property karaf.data is not set");
        }
        return Path.of(data, relative.replace('/', File.separatorChar));
    }

    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
