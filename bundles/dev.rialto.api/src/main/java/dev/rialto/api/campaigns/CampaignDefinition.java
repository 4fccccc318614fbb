package dev.rialto.api.campaigns;

import dev.rialto.api.common.Require;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A campaign: who gets it, when, and what each recipient gets.
 *
 * @param id               unique, 1-64 letters, digits, '-', '_' or '.'
 * @param name             for people
 * @param audience         the segment rule as JSON (the rule language of {@code dev.rialto.api.rules}), or null
 *                         for every profile
 * @param schedule         a Quartz cron expression (seconds first), or null for manual runs only
 * @param steps            in order; exactly one {@link StepType#DELIVER} step, the last
 * @param variants         the A/B split; empty means one arm {@code A} with everything but the holdout
 * @param holdoutPercent   share of the audience that receives nothing (0 to 50), for measuring uplift
 * @param frequencyRules   caps across all campaigns, checked per recipient before delivery
 * @param quietHours       when nothing is delivered, or null
 * @param conversionWindow purchases by a recipient within this time after the run count as conversions
 * @param enabled          a disabled campaign keeps its definition and history but is neither scheduled nor run
 */
public record CampaignDefinition(String id, String name, String audience, String schedule, List<Step> steps,
        List<Variant> variants, int holdoutPercent, List<FrequencyRule> frequencyRules, QuietHours quietHours,
        Duration conversionWindow, boolean enabled) {

    /** The name of the holdout group in reports. */
    public static final String HOLDOUT = "holdout";
    public static final Duration DEFAULT_CONVERSION_WINDOW = Duration.ofDays(7);

    public CampaignDefinition {
        id = Require.nonBlank(id, "id").strip();
        if (!id.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("id must be 1-64 letters, digits, '-', '_' or '.', was '" + id + "'");
        }
        name = name == null || name.isBlank() ? id : name.strip();
        audience = Require.optional(audience);
        schedule = Require.optional(schedule);
        if (schedule != null && schedule.split("\\s+").length < 6) {
            throw new IllegalArgumentException("schedule must be a Quartz cron expression with seconds first"
                    + " (6 or 7 fields, for example '0 0 9 ? * MON'), was '" + schedule + "'");
        }
        steps = List.copyOf(Require.nonNull(steps, "steps"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("steps must not be empty");
        }
        for (int i = 0; i < steps.size(); i++) {
            boolean last = i == steps.size() - 1;
            if ((steps.get(i).type() == StepType.DELIVER) != last) {
                throw new IllegalArgumentException("steps[" + i + "]: " + (last
                        ? "the last step must be a deliver step"
                        : "a deliver step must be the last step"));
            }
        }
        if (holdoutPercent < 0 || holdoutPercent > 50) {
            throw new IllegalArgumentException("holdoutPercent must be between 0 and 50, was " + holdoutPercent);
        }
        variants = variants == null || variants.isEmpty()
                ? List.of(new Variant("A", 100 - holdoutPercent, null))
                : List.copyOf(variants);
        int total = holdoutPercent;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            if (!names.add(v.name())) {
                throw new IllegalArgumentException("variants[" + i + "].name '" + v.name() + "' is used twice");
            }
            total += v.percent();
        }
        if (total != 100) {
            throw new IllegalArgumentException("variants[*].percent plus holdoutPercent must add up to 100, was "
                    + total);
        }
        frequencyRules = frequencyRules == null ? List.of() : List.copyOf(frequencyRules);
        conversionWindow = conversionWindow == null ? DEFAULT_CONVERSION_WINDOW : conversionWindow;
        if (conversionWindow.isNegative() || conversionWindow.isZero()) {
            throw new IllegalArgumentException("conversionWindow must be positive, was " + conversionWindow);
        }
    }

    /** The deliver step's channel. */
    public String channel() {
        return steps.get(steps.size() - 1).param("channel", null);
    }

    /** The step's parameter as the variant sees it: its override, else the step's own. */
    public String param(Variant variant, Step step, String name, String fallback) {
        String override = variant == null ? null : variant.overrides().get(step.type().wireName() + "." + name);
        return override != null && !override.isBlank() ? override.strip() : step.param(name, fallback);
    }
}
