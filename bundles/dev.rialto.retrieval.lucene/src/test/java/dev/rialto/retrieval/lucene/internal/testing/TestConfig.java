package dev.rialto.retrieval.lucene.internal.testing;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/** Builds an {@link ItemIndex.Config} from the annotation defaults plus overrides keyed by property name. */
public final class TestConfig {

    private final Map<String, Object> values = new HashMap<>();

    public static TestConfig defaults() {
        return new TestConfig();
    }

    public TestConfig set(String property, Object value) {
        values.put(property, value);
        return this;
    }

    public ItemIndex.Config build() {
        Map<String, Object> all = new HashMap<>(values);
        // Tests run without karaf.data: published behaviour vectors go next to the test's index.
        if (all.containsKey("index.dir") && !all.containsKey("behaviour.dir")) {
            all.put("behaviour.dir", java.nio.file.Path.of(all.get("index.dir").toString()).resolve("behaviour")
                    .toString());
        }
        Map<String, Object> copy = Map.copyOf(all);
        return (ItemIndex.Config) Proxy.newProxyInstance(ItemIndex.Config.class.getClassLoader(),
                new Class<?>[] {ItemIndex.Config.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    if (copy.containsKey(property)) {
                        return copy.get(property);
                    }
                    Object def = method.getDefaultValue();
                    if (def == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return def;
                });
    }
}
