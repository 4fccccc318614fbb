package dev.rialto.campaigns.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Rialto campaigns", description = "Campaign runs: workers, retries, leases, consent")
public @interface CampaignsConfig {
    String PID = "dev.rialto.campaigns";

    @AttributeDefinition(description = "This node's name in run leases; unique per node of a cluster."
            + " Empty: the karaf.name system property")
    String node() default "";

    @AttributeDefinition(description = "Worker threads per node that prepare and send deliveries")
    int workers() default 2;

    @AttributeDefinition(description = "Recipients per chunk (one transaction per chunk state change)")
    int chunk_size() default 500;

    @AttributeDefinition(description = "Attempts per delivery before it is recorded as failed")
    int max_attempts() default 3;

    @AttributeDefinition(description = "Wait before the first retry, in ms; doubled for each further retry")
    long retry_backoff_ms() default 500;

    @AttributeDefinition(description = "Lease of a running campaign, in seconds: another node resumes a run whose"
            + " lease ran out (this node resumes its own at once after a restart)")
    int lease_seconds() default 60;

    @AttributeDefinition(description = "Send email to a profile whose email consent is unknown")
    boolean consent_unknown_email() default false;

    @AttributeDefinition(description = "Personalise for a profile whose personalisation consent is unknown")
    boolean consent_unknown_personalisation() default true;

    @AttributeDefinition(description = "Use ad-related personalisation for a profile whose ads consent is unknown")
    boolean consent_unknown_ads() default false;

}
