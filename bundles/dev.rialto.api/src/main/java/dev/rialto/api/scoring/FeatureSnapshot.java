package dev.rialto.api.scoring;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Catalogue-wide statistics (popularity, category shares, item attributes) that features are computed
 * against. Built by a {@link FeatureExtractor}; opaque to everybody else, immutable and thread-safe.
 */
@ProviderType
public interface FeatureSnapshot {
    /** The time of the newest event it counts; features computed against it see nothing later. */
    Instant asOf();

    /** Number of events it counts. */
    long eventCount();
}
