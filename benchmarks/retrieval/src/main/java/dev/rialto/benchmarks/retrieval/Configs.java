package dev.rialto.benchmarks.retrieval;

import java.lang.reflect.Proxy;
import java.util.Map;

import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/** An {@link ItemIndex.Config} from the annotation defaults and overrides by property name (dots). */
final class Configs {

    private Configs() {
    }

    static ItemIndex.Config of(Map<String, Object> overrides) {
        Map<String, Object> copy = Map.copyOf(overrides);
        return (ItemIndex.Config) Proxy.newProxyInstance(ItemIndex.Config.class.getClassLoader(),
                new Class<?>[] {ItemIndex.Config.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    if (copy.containsKey(property)) {
                        return convert(copy.get(property), method.getReturnType(), property);
                    }
                    return method.getDefaultValue();
                });
    }

    /** Command-line overrides arrive as text; the annotation's methods want their own types. */
    private static Object convert(Object value, Class<?> type, String property) {
        if (!(value instanceof String text) || type == String.class) {
            return value;
        }
        try {
            if (type == int.class) {
                return Integer.parseInt(text.strip());
            }
            if (type == long.class) {
                return Long.parseLong(text.strip());
            }
            if (type == double.class) {
                return Double.parseDouble(text.strip());
            }
            if (type == boolean.class) {
                return Boolean.parseBoolean(text.strip());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": '" + text + "' is not a " + type, e);
        }
        return value;
    }

    /** The {@code cfg.<property>=value} parameters of the command line, by property name. */
    static Map<String, Object> overrides(Map<String, String> params) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("cfg.")) {
                out.put(k.substring(4), v);
            }
        });
        return out;
    }
}
