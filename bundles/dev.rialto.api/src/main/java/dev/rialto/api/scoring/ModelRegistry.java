package dev.rialto.api.scoring;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The models the server knows: every valid version per name, the active one, the refused ones, and rollback.
 * Registered by the scoring bundle that owns the models folder.
 */
@ProviderType
public interface ModelRegistry {

    /** Every valid (loaded and checked) version, sorted by name, then version. */
    List<ModelInfo> models();

    /** The version of this name that serves requests now. */
    Optional<ModelInfo> active(String name);

    /**
     * The baselines' held-out metrics that the card of this version records ({@code baseline.metric -> value},
     * measured on the model's own split); empty when the version is unknown or its card has none.
     */
    Map<String, Double> baselines(String name, String version);

    /** Versions that were refused, sorted by name, then version; each names the offending field. */
    List<ModelRefusal> refusals();

    /**
     * Makes the valid version before the active one of this name active, and keeps it so across rescans and
     * restarts until a version newer than the one rolled back from appears.
     *
     * @return the model active now
     * @throws ModelNotFoundException when no model of that name is active or no older valid version exists
     */
    ModelInfo rollback(String name);

    /** Looks at the models now instead of waiting for the next poll. */
    void rescan();
}
