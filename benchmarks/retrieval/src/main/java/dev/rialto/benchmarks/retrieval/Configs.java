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
                        return copy.get(property);
                    }
                    return method.getDefaultValue();
                });
    }
}
