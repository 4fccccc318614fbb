package dev.rialto.api.ads;

import dev.rialto.api.rules.RuleFacts;
import java.time.Instant;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** What placement rules see of the request being decided. Valid during one decision only. */
@ProviderType
public interface PlacementContext {

    AdRequest request();

    /** The decision time. */
    Instant now();

    /** The facts targeting rules are evaluated against (lazy; personal parts honour the user's ads consent). */
    RuleFacts facts();

    /** Campaigns already shown on this page view. */
    Set<String> campaignsOnPage();

    /** Competitive labels of the campaigns already shown on this page view. */
    Set<String> labelsOnPage();
}
