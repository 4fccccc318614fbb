package dev.rialto.api.ads;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An eligibility rule: the engine asks every rule about every candidate (cheapest first, by {@link #order()}) and
 * drops the candidate at the first failure. Register as a service with {@code rialto.provider=<name>}; the name
 * appears in decision traces. Rules must be fast, thread-safe and must not throw.
 */
@ConsumerType
public interface PlacementRule {

    /** Service property naming the rule. */
    String PROVIDER = dev.rialto.api.common.ServiceProperties.PROVIDER;

    /** Orders of the built-in rules, for plug-ins to place themselves among them. */
    int ORDER_STATUS = 100;
    int ORDER_FLIGHT = 200;
    int ORDER_FORMAT = 300;
    int ORDER_BUDGET = 400;
    int ORDER_PAGE = 500;
    int ORDER_TARGETING = 600;
    int ORDER_CAPS = 700;
    /** Plug-in rules run here unless they say otherwise. */
    int ORDER_DEFAULT = 800;
    /** Pacing throws the dice, so it runs last: only eligible traffic is throttled. */
    int ORDER_PACING = 1000;

    /** When the rule runs; lower first. */
    default int order() {
        return ORDER_DEFAULT;
    }

    /**
     * True when the verdict depends only on the campaign (not the creative), so the engine asks once per campaign
     * per request.
     */
    default boolean perCampaign() {
        return false;
    }

    /** The verdict, with a reason for the trace. */
    RuleCheck check(PlacementCandidate candidate, PlacementContext context);
}
