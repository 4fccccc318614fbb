package dev.rialto.ads.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the placement engine, PID {@code dev.rialto.ads}. */
@ObjectClassDefinition(name = "Rialto ads", description = "Ad placement: targeting, caps, pacing and the auction")
public @interface AdsConfig {
    String PID = "dev.rialto.ads";

    @AttributeDefinition(description = "Filter that picks the store's DataSource service")
    String dataSource_target() default "(dataSourceName=rialto)";

    @AttributeDefinition(description = "Filter that picks the ad model's InterestScorer (pCTR per creative id);"
            + " without one the smoothed historical CTR is used")
    String scorer_target() default "(rialto.provider=ads)";

    @AttributeDefinition(description = "Whether personal targeting (attributes, segments, behaviour) may use users"
            + " whose ads consent is unknown")
    boolean consent_unknown_allows() default false;

    @AttributeDefinition(description = "Time zone of local-time rules when a request names none")
    String user_zone() default "UTC";

    @AttributeDefinition(description = "Time zone of the pacing day (daily budgets reset at its midnight)")
    String pacing_zone() default "UTC";

    @AttributeDefinition(description = "Share of auction decisions that pick an eligible creative at random, 0 to 1")
    double exploration_share() default 0.02;

    @AttributeDefinition(description = "Prior conversions per click of a CPA campaign's smoothed conversion rate"
            + " (pCVR), until its own attributed conversions take over")
    double cpa_conversion_rate() default 0.05;

    @AttributeDefinition(description = "Weight of that prior, in clicks")
    double cvr_prior_strength() default 100;

    @AttributeDefinition(description = "Hours after an ad click within which a purchase is attributed to it")
    int attribution_click_hours() default 168;

    @AttributeDefinition(description = "Hours after an impression within which a purchase without an attributable"
            + " click is attributed to it (view-through); 0 turns that off")
    int attribution_view_hours() default 24;

    @AttributeDefinition(description = "Secret (16 characters or more) that signs the impression and click beacon"
            + " tokens; empty: a random one per start", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String beacon_secret() default "";

    @AttributeDefinition(description = "How many recent events of the user behaviour rules read")
    int history_limit() default 200;

    @AttributeDefinition(description = "How long a decision accepts its impression and click, in minutes")
    int decision_ttl_minutes() default 60;

    @AttributeDefinition(description = "Pacing slot length in seconds; must divide 86400")
    int pacing_slot_seconds() default 60;

    @AttributeDefinition(description = "Multiplicative step of the pacing throttle per slot, 0 to 1")
    double pacing_adjust() default 0.1;

    @AttributeDefinition(description = "Pacing throttle at the start of a day")
    double pacing_initial_rate() default 0.2;

    @AttributeDefinition(description = "Lowest pacing throttle")
    double pacing_min_rate() default 0.001;

    @AttributeDefinition(description = "Minutes before the end of the pacing day in which a campaign with daily"
            + " budget left is not throttled (catch-up), 0 to 720")
    int pacing_catchup_minutes() default 60;

    @AttributeDefinition(description = "Prior click-through rate of the historical CTR estimate")
    double ctr_prior_mean() default 0.01;

    @AttributeDefinition(description = "Weight of the prior, in impressions")
    double ctr_prior_strength() default 200;
}
