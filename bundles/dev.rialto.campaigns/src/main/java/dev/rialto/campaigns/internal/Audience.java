package dev.rialto.campaigns.internal;

import dev.rialto.api.profiles.Profile;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** Where a run's recipients come from: the profiles a segment rule selects, and their current records. */
interface Audience {

    /**
     * Calls back every profile the rule (JSON, null for all) selects, in no particular order.
     *
     * @return how many profiles were evaluated
     * @throws IllegalArgumentException when the rule is not valid (the message names the field)
     */
    long select(String ruleJson, Consumer<String> profileIds);

    /** Checks a segment rule without evaluating it; throws naming the field. Unknowable rules pass. */
    default void validate(String ruleJson) {
    }

    /** The current profiles of these ids; forgotten ones are absent. */
    Map<String, Profile> profiles(Collection<String> ids);
}
