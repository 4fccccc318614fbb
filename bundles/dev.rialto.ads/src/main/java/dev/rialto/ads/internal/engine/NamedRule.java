package dev.rialto.ads.internal.engine;

import dev.rialto.api.ads.PlacementRule;

/** A placement rule with the name it has in traces (its {@code rialto.provider}). */
public record NamedRule(String name, PlacementRule rule) {
}
