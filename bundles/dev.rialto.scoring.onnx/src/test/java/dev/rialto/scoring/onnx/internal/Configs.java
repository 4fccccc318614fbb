package dev.rialto.scoring.onnx.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A {@link ScoringConfig} with the annotation's defaults, overridden by property names such as {@code models.dir}. */
public final class Configs {
    private Configs() {
    }

    public static ScoringConfig config(Map<String, Object> overrides) {
        return (ScoringConfig) Proxy.newProxyInstance(ScoringConfig.class.getClassLoader(),
                new Class<?>[] {ScoringConfig.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    return switch (method.getName()) {
                        case "annotationType" -> ScoringConfig.class;
                        case "toString" -> "ScoringConfig" + overrides;
                        case "hashCode" -> overrides.hashCode();
                        case "equals" -> proxy == args[0];
                        default -> overrides.containsKey(property) ? overrides.get(property) : method.getDefaultValue();
                    };
                });
    }
}
