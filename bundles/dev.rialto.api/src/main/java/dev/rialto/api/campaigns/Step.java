package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.util.Map;

/**
 * One step of a campaign.
 *
 * @param type   what it does
 * @param params its parameters (see {@link StepType}); a variant may override them
 */
public record Step(StepType type, Map<String, String> params) {

    public Step {
        Require.nonNull(type, "type");
        params = params == null ? Map.of() : Map.copyOf(params);
        String required = switch (type) {
            case DECIDE_AD -> "slot";
            case GENERATE -> "kind";
            case DELIVER -> "channel";
            case RECOMMEND -> null;
        };
        if (required != null && (params.get(required) == null || params.get(required).isBlank())) {
            throw new IllegalArgumentException("params." + required + " must not be blank for a "
                    + type.wireName() + " step");
        }
        String n = params.get("n");
        if (n != null) {
            int value;
            try {
                value = Integer.parseInt(n.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("params.n must be a whole number, was '" + n + "'");
            }
            if (value < 1 || value > 100) {
                throw new IllegalArgumentException("params.n must be between 1 and 100, was " + value);
            }
        }
    }

    public String param(String name, String fallback) {
        String value = params.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
