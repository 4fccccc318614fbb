package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import dev.rialto.api.recommend.RecommendationRequest;
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
        params.forEach((name, value) -> check("params." + name, name, value));
    }

    /** Checks the numeric parameters wherever they are set (a step, or a variant's override). */
    static void check(String path, String name, String value) {
        switch (name) {
            case "n" -> number(path, value, 1, 100);
            case "candidates" -> number(path, value, 0, RecommendationRequest.MAX_CANDIDATES);
            default -> {
            }
        }
    }

    private static void number(String path, String text, int min, int max) {
        if (text == null) {
            return;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + " must be a whole number, was '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(path + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    public String param(String name, String fallback) {
        String value = params.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
