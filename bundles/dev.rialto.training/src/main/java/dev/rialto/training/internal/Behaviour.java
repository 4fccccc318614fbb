package dev.rialto.training.internal;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Behaviour embeddings (iALS) from the store's events: the interaction matrix with weights per event type, the
 * fit, and the vectors by id.
 */
final class Behaviour {

    /**
     * The validated configuration of the behaviour model.
     *
     * @param modelName the name its vectors and evaluation reports carry
     * @param params    the iALS hyper-parameters
     * @param weights   the weight of each event type that counts; other types are ignored
     */
    record Config(String modelName, Ials.Params params, Map<EventType, Float> weights) {
        static final String DEFAULT_WEIGHTS = "view:1,click:1,add_to_cart:2,purchase:4";

        Config {
            if (modelName == null || !modelName.matches(Settings.NAME)) {
                throw new IllegalArgumentException("behaviour.model.name must be letters, digits, '_', '.' or '-', "
                        + "was '" + modelName + "'");
            }
            if (params == null) {
                throw new IllegalArgumentException("ials parameters must be set");
            }
            if (weights == null || weights.isEmpty()) {
                throw new IllegalArgumentException("ials.weights must name at least one event type");
            }
            weights = Collections.unmodifiableMap(new EnumMap<>(weights));
        }

        static Config defaults() {
            return new Config("behaviour-ials", new Ials.Params(32, 10, 0.1, 10, 12345L), Behaviour.weights(DEFAULT_WEIGHTS));
        }
    }

    /**
     * Parses {@code type:weight,type:weight}; every type must be an item event and every weight positive.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    static Map<EventType, Float> weights(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("ials.weights must not be empty");
        }
        Map<EventType, Float> out = new EnumMap<>(EventType.class);
        for (String part : spec.split(",")) {
            String entry = part.strip();
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("ials.weights: '" + entry + "' is not type:weight");
            }
            EventType type;
            try {
                type = EventType.parse(entry.substring(0, colon));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ials.weights: " + e.getMessage());
            }
            if (!type.needsItem()) {
                throw new IllegalArgumentException("ials.weights: " + type.wireName() + " events name no item");
            }
            float w;
            try {
                w = Float.parseFloat(entry.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ials.weights: '" + entry + "' has no number after ':'");
            }
            if (!(w > 0) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("ials.weights: the weight of " + type.wireName()
                        + " must be > 0, was " + w);
            }
            if (out.put(type, w) != null) {
                throw new IllegalArgumentException("ials.weights: " + type.wireName() + " is given twice");
            }
        }
        return out;
    }

    /** The user x item matrix: user ids in first-seen order; items by the catalogue's index. */
    record Matrix(List<String> users, Map<String, Integer> userIndex, Ials.Sparse sparse) {
    }

    /** Sums the weights of the counted events on catalogue items, per user and item. */
    static Matrix matrix(List<Event> events, Map<String, Integer> itemIndex, int itemCount,
            Map<EventType, Float> weights) {
        Map<String, Integer> userIndex = new HashMap<>();
        List<String> users = new ArrayList<>();
        List<Map<Integer, Float>> rows = new ArrayList<>();
        for (Event e : events) {
            Float w = weights.get(e.type());
            Integer item = w == null || e.itemId() == null ? null : itemIndex.get(e.itemId());
            if (item == null) {
                continue;
            }
            Integer u = userIndex.get(e.userId());
            if (u == null) {
                u = users.size();
                userIndex.put(e.userId(), u);
                users.add(e.userId());
                rows.add(new LinkedHashMap<>());
            }
            rows.get(u).merge(item, w, Float::sum);
        }
        int[][] cols = new int[rows.size()][];
        float[][] values = new float[rows.size()][];
        for (int u = 0; u < rows.size(); u++) {
            Map<Integer, Float> row = rows.get(u);
            cols[u] = new int[row.size()];
            values[u] = new float[row.size()];
            int n = 0;
            for (Map.Entry<Integer, Float> cell : row.entrySet()) {
                cols[u][n] = cell.getKey();
                values[u][n++] = cell.getValue();
            }
        }
        return new Matrix(List.copyOf(users), userIndex, new Ials.Sparse(itemCount, cols, values));
    }

    /** A fitted model with the ids of its rows and columns. */
    record Fitted(Matrix matrix, Ials.Model model, String[] itemIds) {
        /** The user's vector; a user without counted events gets the zero vector (scores all 0). */
        float[] user(String userId) {
            Integer u = matrix.userIndex().get(userId);
            return u == null ? new float[model.params().factors()] : model.users()[u];
        }

        Map<String, float[]> itemVectors() {
            Map<String, float[]> out = new HashMap<>(itemIds.length * 2);
            for (int i = 0; i < itemIds.length; i++) {
                out.put(itemIds[i], model.items()[i]);
            }
            return out;
        }

        Map<String, float[]> userVectors() {
            Map<String, float[]> out = new HashMap<>(matrix.users().size() * 2);
            for (int u = 0; u < matrix.users().size(); u++) {
                out.put(matrix.users().get(u), model.users()[u]);
            }
            return out;
        }
    }

    static Fitted fit(List<Event> events, String[] itemIds, Map<String, Integer> itemIndex, Config config,
            IntConsumer progress) {
        Matrix m = matrix(events, itemIndex, itemIds.length, config.weights());
        return new Fitted(m, Ials.fit(m.sparse(), config.params(), progress), itemIds);
    }

    static String describe(Config c) {
        StringBuilder w = new StringBuilder();
        c.weights().forEach((t, v) -> w.append(w.length() == 0 ? "" : ",").append(t.wireName()).append(':')
                .append(String.format(Locale.ROOT, "%g", v)));
        Ials.Params p = c.params();
        return String.format(Locale.ROOT, "iALS factors=%d iterations=%d lambda=%g alpha=%g weights=%s", p.factors(),
                p.iterations(), p.regularisation(), p.alpha(), w);
    }

    private Behaviour() {
    }
}
