package dev.rialto.scoring.onnx.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one configuration (PID {@code dev.rialto.scoring.onnx}) shared by the model registry and the scorer, so
 * that a single {@code etc/dev.rialto.scoring.onnx.cfg} holds everything.
 */
@ObjectClassDefinition(name = "Rialto ONNX scoring", description = "Model registry and ONNX interest scorer")
public @interface ScoringConfig {

    @AttributeDefinition(name = "Models folder",
            description = "Holds <name>/<version>/{model.onnx,model.json}; empty means ${karaf.home}/models")
    String models_dir() default "";

    @AttributeDefinition(name = "Poll interval (s)", description = "How often the registry looks for new versions",
            min = "1")
    int poll_seconds() default 2;

    @AttributeDefinition(name = "Model name", description = "The model the interest scorer serves")
    String model_name() default "ranker";

    @AttributeDefinition(name = "History length", description = "How many recent events of the user are read; a model card's training.historyLimit, when smaller, cuts it to what the model was trained with",
            min = "1")
    int history_limit() default 1000;

    @AttributeDefinition(name = "Snapshot refresh (s)",
            description = "How often catalogue statistics are rebuilt from the store; 0 rebuilds only on a new model",
            min = "0")
    int snapshot_refresh_seconds() default 60;

    @AttributeDefinition(name = "User profile cache (MB)",
            description = "Memory for users' history aggregates kept between requests (a repeated request for a "
                    + "user with no new events skips the history read); updated on new events (profile.updates), "
                    + "dropped on erasure and each snapshot rebuild; 0 disables it",
            min = "0")
    int profile_cache_mb() default 64;

    @AttributeDefinition(name = "Update user profiles",
            description = "A user's new events update their cached aggregates from the history window the entry "
                    + "keeps (about 25 bytes per event), exactly as a fresh read would, instead of dropping them; "
                    + "false drops them and keeps no window")
    boolean profile_updates() default true;
}
