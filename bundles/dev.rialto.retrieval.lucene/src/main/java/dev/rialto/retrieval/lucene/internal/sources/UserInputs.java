package dev.rialto.retrieval.lucene.internal.sources;

import java.util.Map;
import java.util.Set;

/**
 * What a personal source's list depends on about the user: the weighted history it read (empty when it read none)
 * and the items it was told to leave out. Compared by value to decide whether a kept list still holds.
 */
record UserInputs(Map<String, Double> weights, Set<String> excluded) {

    /** An immutable copy to keep (the request's maps are not to be held). */
    UserInputs copy() {
        return new UserInputs(Map.copyOf(weights), Set.copyOf(excluded));
    }
}
