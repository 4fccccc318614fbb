package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.util.Map;

/**
 * One arm of a campaign's A/B split.
 *
 * @param name      unique within the campaign, for example {@code A}
 * @param percent   share of the audience, 1 to 100 (with the holdout, all shares add up to 100)
 * @param overrides step parameters that differ in this arm, keyed {@code <step type>.<param>}, for example
 *                  {@code generate.provider = grounded} or {@code recommend.n = 6}
 */
public record Variant(String name, int percent, Map<String, String> overrides) {

    public Variant {
        name = Require.nonBlank(name, "name").strip();
        if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("name must be 1-32 letters, digits, '-' or '_', was '" + name + "'");
        }
        if (name.equals(CampaignDefinition.HOLDOUT)) {
            throw new IllegalArgumentException("name '" + name + "' is reserved for the holdout group");
        }
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be between 1 and 100, was " + percent);
        }
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        for (String key : overrides.keySet()) {
            int dot = key.indexOf('.');
            if (dot <= 0 || dot == key.length() - 1) {
                throw new IllegalArgumentException("overrides key '" + key + "' must be <step type>.<param>");
            }
            StepType.parse(key.substring(0, dot));
            Step.check("overrides." + key, key.substring(dot + 1), overrides.get(key));
        }
    }
}
